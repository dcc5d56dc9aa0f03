using Keepsake.BackupFormat;
using Keepsake.Export.Messages.Writers;
using Keepsake.Primitives;

namespace Keepsake.Export.Messages;

/// <summary>
/// Exports the conversations of a <see cref="MessagesDatabase"/> into a folder: one file per
/// conversation in the chosen <see cref="MessageFormat"/>, attachments under <c>attachments/&lt;chat id&gt;/</c>,
/// an <c>index.html</c> for HTML, and a manifest that makes a second export into the same folder
/// rewrite only the conversations that gained messages and copy only attachments not yet there.
/// Every output path goes through <see cref="SafePath"/>; every file is written to a temporary
/// name and renamed when complete.
/// </summary>
public sealed class MessagesExporter
{
    private readonly MessagesDatabase _database;

    public MessagesExporter(MessagesDatabase database)
    {
        ArgumentNullException.ThrowIfNull(database);
        _database = database;
    }

    /// <summary>Exports into <paramref name="destination"/> (created if needed).</summary>
    public async Task<MessagesExportResult> ExportAsync(string destination, MessagesExportOptions? options = null, IProgress<ExportProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(destination);
        options ??= new MessagesExportOptions();
        Directory.CreateDirectory(destination);
        var root = new SafePath(destination);
        var extension = MessageWriter.Extension(options.Format);
        var manifestPath = root.Resolve(ExportManifest.FileName("messages", extension));
        var manifest = ExportManifest.Load(manifestPath);
        var reader = new MessageReader(_database);
        var conversations = reader.ReadConversations().Where(options.Filter.Matches).OrderBy(c => c.Id).ToList();
        var total = CountMessages();
        var source = _database.File.Description;

        long messages = 0, newMessages = 0;
        int filesWritten = 0, diagnostics = 0, copied = 0, missing = 0;
        var attachmentIds = new HashSet<long>();
        var tapbackIds = new HashSet<long>();
        var multiChat = reader.ReadMessagesInSeveralChats();
        var multiChatSeen = new HashSet<long>();
        var exported = new List<(Conversation Conversation, string File)>();
        // Reading runs a few hundred messages ahead on a thread of its own (docs/design/exporters.md, "Pipeline").
        var stream = PrefetchingEnumerator<Message>.Start(token => reader.ReadMessages(conversations, options.Filter, token), cancellationToken: cancellationToken);
        await using var disposeStream = stream.ConfigureAwait(false);
        var pending = await stream.MoveNextAsync().ConfigureAwait(false) ? stream.Current : null;
        var dateFiltered = options.Filter.From is not null || options.Filter.To is not null;
        foreach (var conversation in conversations)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var hasMessages = pending is not null && pending.ConversationId == conversation.Id;
            if (!hasMessages && dateFiltered)
            {
                continue;
            }

            var key = conversation.Id.ToString(System.Globalization.CultureInfo.InvariantCulture);
            var name = $"{ExportFiles.SafeSegment(conversation.Title, "conversation", 60)} [{(conversation.Id == Conversation.OrphansId ? "no chat" : key)}].{extension}";
            var finalPath = root.ResolveNoFollow(name);
            var partial = finalPath + ".partial";
            var previous = manifest.Items.GetValueOrDefault(key);
            long count = 0, lastRowId = 0, fresh = 0;
            try
            {
                using (var writer = MessageWriter.Create(options.Format, new FileStream(partial, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16), options.TimeZone))
                {
                    writer.Begin(conversation, source);
                    while (pending is not null && pending.ConversationId == conversation.Id)
                    {
                        var message = pending;
                        foreach (var attachment in message.Attachments)
                        {
                            var isNew = attachmentIds.Add(attachment.RowId);
                            var ok = await PlaceAttachmentAsync(root, conversation, attachment, options.CopyAttachments, cancellationToken).ConfigureAwait(false);
                            if (ok && options.Format == MessageFormat.Html)
                            {
                                Images.HeicPreview.Add(root, attachment);
                            }

                            if (isNew)
                            {
                                if (ok)
                                {
                                    copied++;
                                }
                                else
                                {
                                    missing++;
                                }
                            }
                        }

                        writer.Write(message);
                        count += 1 + message.Tapbacks.Count;
                        lastRowId = Math.Max(lastRowId, Math.Max(message.RowId, message.Tapbacks.Count == 0 ? 0 : message.Tapbacks.Max(t => t.RowId)));
                        if (previous is null || message.RowId > previous.LastRowId)
                        {
                            fresh += 1 + message.Tapbacks.Count;
                        }

                        if (message.BodyDiagnostic is not null)
                        {
                            diagnostics++;
                        }

                        if (!multiChat.Contains(message.RowId) || multiChatSeen.Add(message.RowId))
                        {
                            messages++;
                        }

                        foreach (var tapback in message.Tapbacks)
                        {
                            if (tapbackIds.Add(tapback.RowId))
                            {
                                messages++;
                            }
                        }

                        if ((messages & 0x3FF) == 0)
                        {
                            progress?.Report(new ExportProgress("messages", messages, total, conversation.Title));
                        }

                        pending = await stream.MoveNextAsync().ConfigureAwait(false) ? stream.Current : null;
                    }

                    writer.End();
                }

                var unchanged = previous is not null && previous.File == name && previous.LastRowId == lastRowId && previous.Count == count && File.Exists(finalPath);
                if (unchanged)
                {
                    ExportFiles.TryDelete(partial);
                }
                else
                {
                    ExportFiles.Commit(partial, finalPath);
                    filesWritten++;
                }
            }
            catch
            {
                ExportFiles.TryDelete(partial);
                throw;
            }

            newMessages += fresh;
            manifest.Set(key, new ExportManifestItem(name, lastRowId, count));
            exported.Add((conversation, name));
        }

        if (options.Format == MessageFormat.Html)
        {
            WriteIndex(root, exported, source, options.TimeZone);
        }

        manifest.Save(manifestPath);
        progress?.Report(new ExportProgress("messages", messages, total));
        return new MessagesExportResult
        {
            Conversations = exported.Count,
            Messages = messages,
            NewMessages = newMessages,
            Attachments = attachmentIds.Count,
            AttachmentsCopied = copied,
            AttachmentsMissing = missing,
            FilesWritten = filesWritten,
            BodyDiagnostics = diagnostics,
        };
    }

    private long CountMessages()
    {
        using var command = _database.File.Connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM message";
        return Convert.ToInt64(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
    }

    private async Task<bool> PlaceAttachmentAsync(SafePath root, Conversation conversation, MessageAttachment attachment, bool copy, CancellationToken cancellationToken)
    {
        var relative = AttachmentPaths.ToHomeRelative(attachment.DevicePath);
        if (relative is null)
        {
            attachment.MissingReason = attachment.DevicePath is null ? "no file path recorded (not downloaded, or stored in iCloud)" : $"unrecognised path {attachment.DevicePath}";
            return false;
        }

        var folder = conversation.Id == Conversation.OrphansId ? "no-chat" : conversation.Id.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var fileName = $"{attachment.RowId}-{ExportFiles.SafeSegment(attachment.TransferName ?? Path.GetFileName(relative), "attachment")}";
        var exportedPath = $"attachments/{folder}/{fileName}";
        var target = root.ResolveNoFollow(exportedPath);
        if (!copy)
        {
            attachment.MissingReason = "attachments were not copied (option)";
            return false;
        }

        if (_database.Source is { } source)
        {
            var entry = source.FindEntry(MessagesDatabase.MediaDomain, relative);
            if (entry is not { Kind: BackupEntryKind.File })
            {
                attachment.MissingReason = "not in the backup (offloaded to iCloud, or Messages in iCloud is on)";
                return false;
            }

            if (!File.Exists(target) || new FileInfo(target).Length != entry.Size)
            {
                Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                var partial = target + ".partial";
                try
                {
                    ExportFiles.TryDelete(partial);
                    await Databases.DatabaseFile.CopyEntryAsync(source, entry, partial, cancellationToken).ConfigureAwait(false);
                    ExportFiles.Commit(partial, target);
                }
                catch (BackupFormatException ex) when (ex.Error == BackupFormatError.MissingBlob)
                {
                    ExportFiles.TryDelete(partial);
                    attachment.MissingReason = "listed in the backup but its file is absent";
                    return false;
                }
                catch
                {
                    ExportFiles.TryDelete(partial);
                    throw;
                }
            }
        }
        else if (_database.AttachmentsRoot is { } home)
        {
            string sourcePath;
            try
            {
                sourcePath = new SafePath(home).Resolve(relative);
            }
            catch (PathEscapeException)
            {
                attachment.MissingReason = $"path escapes the attachments folder: {attachment.DevicePath}";
                return false;
            }

            if (!File.Exists(sourcePath))
            {
                attachment.MissingReason = "not found under the attachments folder";
                return false;
            }

            if (!File.Exists(target) || new FileInfo(target).Length != new FileInfo(sourcePath).Length)
            {
                Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                var partial = target + ".partial";
                File.Copy(sourcePath, partial, overwrite: true);
                ExportFiles.Commit(partial, target);
            }
        }
        else
        {
            attachment.MissingReason = "loose database: no attachments folder given";
            return false;
        }

        if (attachment.Created is { } created)
        {
            File.SetLastWriteTimeUtc(target, created.UtcDateTime);
        }

        attachment.ExportedPath = exportedPath;
        return true;
    }

    private static void WriteIndex(SafePath root, List<(Conversation Conversation, string File)> exported, string source, TimeZoneInfo zone)
    {
        var path = root.ResolveNoFollow("index.html");
        var partial = path + ".partial";
        using (var writer = new StreamWriter(partial, false, ExportFiles.Utf8))
        {
            writer.Write("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Messages</title>");
            writer.Write("<style>body{font-family:-apple-system,Segoe UI,Helvetica,Arial,sans-serif;max-width:50em;margin:1em auto}li{margin:.3em 0}</style></head><body>");
            writer.Write($"<h1>Messages</h1><p>Source: {HtmlMessageWriter.E(source)}. All times: {HtmlMessageWriter.E(ExportFiles.DescribeZone(zone))}.</p><ul>\n");
            foreach (var (conversation, file) in exported)
            {
                writer.Write($"<li><a href=\"{HtmlMessageWriter.E(HtmlMessageWriter.RelativeUrl(file))}\">{HtmlMessageWriter.E(conversation.Title)}</a></li>\n");
            }

            writer.Write("</ul></body></html>\n");
        }

        ExportFiles.Commit(partial, path);
    }
}
