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

    /// <summary>Most conversation files kept open at once when messages are read by date (the least recently written is closed, and reopened for appending when it gets another message).</summary>
    internal int MaxOpenFiles { get; init; } = DefaultMaxOpenFiles;

    /// <summary>Default of <see cref="MaxOpenFiles"/>.</summary>
    internal const int DefaultMaxOpenFiles = 1024;

    /// <summary>Characters each of those files buffers.</summary>
    private const int InterleavedBufferSize = 2048;

    /// <summary>Exports into <paramref name="destination"/> (created if needed).</summary>
    public async Task<MessagesExportResult> ExportAsync(string destination, MessagesExportOptions? options = null, IProgress<ExportProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(destination);
        options ??= new MessagesExportOptions();
        Directory.CreateDirectory(destination);
        var root = new SafePath(destination);
        var extension = MessageWriter.Extension(options.Format);
        var manifestPath = root.Resolve(ExportManifest.FileName("messages", extension));
        var reader = new MessageReader(_database);

        // A whole export reads the messages by date and writes every conversation's file at once
        // (docs/design/exporters.md, "Pipeline"); a few chosen conversations, and the formats that
        // cannot be continued after closing, are read one conversation after the other.
        var interleaved = MessageWriter.CanResume(options.Format) && options.Filter.Conversations.Count == 0 && string.IsNullOrWhiteSpace(options.Filter.Participant);

        // Reading by date, whether the orphans bucket exists is asked meanwhile on another connection: the
        // reading takes the bucket's rows, and the writer keeps them only if it exists.
        var every = reader.ReadConversations(withOrphans: !interleaved);
        if (options.Filter.Unmatched(every) is [var unknown, ..])
        {
            throw new KeyNotFoundException($"no conversation in {_database.File.Description} matches '{unknown}' (a chat's ID, identifier such as a phone number or e-mail address, or name).");
        }

        var conversations = every.Where(options.Filter.Matches).OrderBy(c => c.Id).ToList();
        Task<bool>? hasOrphans = null;
        var reading = conversations;
        if (interleaved)
        {
            hasOrphans = reader.HasOrphansAsync(cancellationToken);
            var orphans = new Conversation { Id = Conversation.OrphansId, IsSynthetic = true };
            reading = options.Filter.Matches(orphans) ? [orphans, .. conversations] : conversations;
        }

        var run = new ExportRun(this, root, options, extension, ExportManifest.Load(manifestPath), reader.ReadMessagesInSeveralChats(), CountMessages(), progress);
        Func<CancellationToken, IEnumerable<Message>> source = interleaved
            ? token => reader.ReadMessagesByDate(reading, options.Filter, token)
            : token => reader.ReadMessages(conversations, options.Filter, token);

        // Reading runs a few hundred messages ahead on a thread of its own.
        try
        {
            var stream = PrefetchingEnumerator<Message>.Start(source, cancellationToken: cancellationToken);
            await using (stream.ConfigureAwait(false))
            {
                if (interleaved)
                {
                    await run.WriteInterleavedAsync(reading, hasOrphans!, stream, cancellationToken).ConfigureAwait(false);
                }
                else
                {
                    await run.WriteByConversationAsync(conversations, stream, cancellationToken).ConfigureAwait(false);
                }
            }
        }
        finally
        {
            // The orphans question has a connection of its own to the database (perhaps a decrypted temporary copy,
            // deleted when the export ends): a failed export still waits for it, and observes what it threw.
            if (hasOrphans is not null)
            {
                await hasOrphans.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default).ConfigureAwait(false);
            }
        }

        if (options.Format == MessageFormat.Html)
        {
            WriteIndex(root, run.Exported, _database.File.Description, options.TimeZone);
        }

        run.Manifest.Save(manifestPath);
        progress?.Report(new ExportProgress("messages", run.Messages, run.Total));
        return new MessagesExportResult
        {
            Conversations = run.Exported.Count,
            Messages = run.Messages,
            NewMessages = run.NewMessages,
            Attachments = run.AttachmentIds.Count,
            AttachmentsCopied = run.Copied,
            AttachmentsMissing = run.Missing,
            FilesWritten = run.FilesWritten,
            BodyDiagnostics = run.Diagnostics,
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

    /// <summary>One conversation's output: its file (written as <c>.partial</c>), its open writer if any, and what it holds.</summary>
    private sealed class ConversationFile(Conversation conversation, string key, string name, string finalPath, ExportManifestItem? previous)
    {
        public Conversation Conversation { get; } = conversation;

        public string Key { get; } = key;

        public string Name { get; } = name;

        public string FinalPath { get; } = finalPath;

        public string PartialPath { get; } = finalPath + ".partial";

        public ExportManifestItem? Previous { get; } = previous;

        /// <summary>Entries written (messages and their tapbacks), the highest ROWID among them, and how many are above the previous export's.</summary>
        public long Count { get; set; }

        public long LastRowId { get; set; }

        public long Fresh { get; set; }

        /// <summary>Begin has been written (the partial file exists).</summary>
        public bool Started { get; set; }

        public MessageWriter? Writer { get; set; }

        public LinkedListNode<ConversationFile>? Node { get; set; }
    }

    /// <summary>The state of one export: counters, the manifest, and the files being written.</summary>
    private sealed class ExportRun(MessagesExporter exporter, SafePath root, MessagesExportOptions options, string extension, ExportManifest manifest, HashSet<long> multiChat, long total, IProgress<ExportProgress>? progress)
    {
        private readonly HashSet<long> _multiChatSeen = [];
        private readonly HashSet<long> _tapbackIds = [];
        private readonly LinkedList<ConversationFile> _open = new();
        private readonly string _source = exporter._database.File.Description;
        private readonly bool _dateFiltered = options.Filter.From is not null || options.Filter.To is not null;

        public ExportManifest Manifest { get; } = manifest;

        public long Total { get; } = total;

        public long Messages { get; private set; }

        public long NewMessages { get; private set; }

        public int FilesWritten { get; private set; }

        public int Diagnostics { get; private set; }

        public int Copied { get; private set; }

        public int Missing { get; private set; }

        public HashSet<long> AttachmentIds { get; } = [];

        public List<(Conversation Conversation, string File)> Exported { get; } = [];

        /// <summary>Messages come by date: each goes to its conversation's file, up to <see cref="MessagesExporter.MaxOpenFiles"/> of them open at once.</summary>
        /// <param name="conversations">The conversations read, the orphans bucket first when it may exist.</param>
        /// <param name="hasOrphans">Whether the orphans bucket exists: without it, its conversation and rows are dropped.</param>
        /// <param name="stream">The messages.</param>
        /// <param name="cancellationToken">Cancels the export.</param>
        public async Task WriteInterleavedAsync(List<Conversation> conversations, Task<bool> hasOrphans, PrefetchingEnumerator<Message> stream, CancellationToken cancellationToken)
        {
            var files = new Dictionary<long, ConversationFile>();
            try
            {
                foreach (var conversation in conversations)
                {
                    files[conversation.Id] = CreateFile(conversation);
                }

                bool? orphans = null;
                while (await stream.MoveNextAsync().ConfigureAwait(false))
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    var message = stream.Current;
                    if (!files.TryGetValue(message.ConversationId, out var file))
                    {
                        continue; // not one of the conversations asked for (the reader's query already excludes them)
                    }

                    // Rows joined to a NULL chat come with the orphans but belong to no conversation when no message is outside every chat.
                    if (message.ConversationId == Conversation.OrphansId && !(orphans ??= await hasOrphans.ConfigureAwait(false)))
                    {
                        continue;
                    }

                    await PlaceAttachmentsAsync(file.Conversation, message, cancellationToken).ConfigureAwait(false);
                    Open(file, InterleavedBufferSize, fileBuffer: 1).Write(message);
                    Account(file, message);
                }

                orphans ??= await hasOrphans.ConfigureAwait(false);
                foreach (var conversation in conversations)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    var file = files[conversation.Id];
                    if ((!file.Started && _dateFiltered) || (conversation.Id == Conversation.OrphansId && orphans != true))
                    {
                        continue;
                    }

                    Open(file, InterleavedBufferSize, fileBuffer: 1).End();
                    Close(file);
                    Finish(file);
                }
            }
            catch
            {
                foreach (var file in files.Values)
                {
                    Close(file);
                    ExportFiles.TryDelete(file.PartialPath);
                }

                throw;
            }
        }

        /// <summary>Messages come one conversation after the other: one file open at a time.</summary>
        public async Task WriteByConversationAsync(List<Conversation> conversations, PrefetchingEnumerator<Message> stream, CancellationToken cancellationToken)
        {
            var pending = await stream.MoveNextAsync().ConfigureAwait(false) ? stream.Current : null;
            foreach (var conversation in conversations)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var hasMessages = pending is not null && pending.ConversationId == conversation.Id;
                if (!hasMessages && _dateFiltered)
                {
                    continue;
                }

                var file = CreateFile(conversation);
                try
                {
                    var writer = Open(file, 1 << 16, fileBuffer: 1 << 16);
                    while (pending is not null && pending.ConversationId == conversation.Id)
                    {
                        await PlaceAttachmentsAsync(conversation, pending, cancellationToken).ConfigureAwait(false);
                        writer.Write(pending);
                        Account(file, pending);
                        pending = await stream.MoveNextAsync().ConfigureAwait(false) ? stream.Current : null;
                    }

                    writer.End();
                    Close(file);
                    Finish(file);
                }
                catch
                {
                    Close(file);
                    ExportFiles.TryDelete(file.PartialPath);
                    throw;
                }
            }
        }

        private ConversationFile CreateFile(Conversation conversation)
        {
            var key = conversation.Id.ToString(System.Globalization.CultureInfo.InvariantCulture);
            var name = $"{ExportFiles.SafeSegment(conversation.Title, "conversation", 60)} [{(conversation.Id == Conversation.OrphansId ? "no chat" : key)}].{extension}";
            return new ConversationFile(conversation, key, name, root.ResolveNoFollow(name), Manifest.Items.GetValueOrDefault(key));
        }

        /// <summary>
        /// The file's writer: opened (begun, or continued by appending) if it is not open, after closing the least recently
        /// written file when too many are open. <paramref name="bufferSize"/> characters are buffered by a text writer,
        /// <paramref name="fileBuffer"/> bytes by the file (JSON and PDF write to it directly; 1 = none).
        /// </summary>
        private MessageWriter Open(ConversationFile file, int bufferSize, int fileBuffer)
        {
            if (file.Writer is { } open)
            {
                if (file.Node != _open.First)
                {
                    _open.Remove(file.Node!);
                    _open.AddFirst(file.Node!);
                }

                return open;
            }

            if (_open.Count >= exporter.MaxOpenFiles)
            {
                Close(_open.Last!.Value);
            }

            // Checked again on every opening: the name must still not be a link.
            root.ResolveNoFollow(file.Name);
            var stream = new FileStream(file.PartialPath, file.Started ? FileMode.Append : FileMode.Create, FileAccess.Write, FileShare.None, fileBuffer);
            MessageWriter writer;
            try
            {
                writer = MessageWriter.Create(options.Format, stream, options.TimeZone, bufferSize);
            }
            catch
            {
                stream.Dispose();
                throw;
            }

            file.Writer = writer;
            file.Node = _open.AddFirst(file);
            if (file.Started)
            {
                writer.Resume(file.Conversation);
            }
            else
            {
                writer.Begin(file.Conversation, _source);
                file.Started = true;
            }

            return writer;
        }

        private void Close(ConversationFile file)
        {
            if (file.Writer is { } writer)
            {
                file.Writer = null;
                _open.Remove(file.Node!);
                file.Node = null;
                writer.Dispose();
            }
        }

        private async Task PlaceAttachmentsAsync(Conversation conversation, Message message, CancellationToken cancellationToken)
        {
            foreach (var attachment in message.Attachments)
            {
                var isNew = AttachmentIds.Add(attachment.RowId);
                var ok = await exporter.PlaceAttachmentAsync(root, conversation, attachment, options.CopyAttachments, cancellationToken).ConfigureAwait(false);
                if (ok && options.Format == MessageFormat.Html)
                {
                    Images.HeicPreview.Add(root, attachment);
                }

                if (isNew)
                {
                    if (ok)
                    {
                        Copied++;
                    }
                    else
                    {
                        Missing++;
                    }
                }
            }
        }

        private void Account(ConversationFile file, Message message)
        {
            var tapbacks = message.Tapbacks;
            file.Count += 1 + tapbacks.Count;
            var highest = message.RowId;
            foreach (var tapback in tapbacks)
            {
                highest = Math.Max(highest, tapback.RowId);
            }

            file.LastRowId = Math.Max(file.LastRowId, highest);
            if (file.Previous is null || message.RowId > file.Previous.LastRowId)
            {
                file.Fresh += 1 + tapbacks.Count;
            }

            if (message.BodyDiagnostic is not null)
            {
                Diagnostics++;
            }

            if (!multiChat.Contains(message.RowId) || _multiChatSeen.Add(message.RowId))
            {
                Messages++;
            }

            foreach (var tapback in tapbacks)
            {
                if (_tapbackIds.Add(tapback.RowId))
                {
                    Messages++;
                }
            }

            if ((Messages & 0x3FF) == 0)
            {
                progress?.Report(new ExportProgress("messages", Messages, Total, file.Conversation.Title));
            }
        }

        /// <summary>Commits a written (and closed) file, or drops it when the previous export already holds the same.</summary>
        private void Finish(ConversationFile file)
        {
            var previous = file.Previous;
            var unchanged = previous is not null && previous.File == file.Name && previous.LastRowId == file.LastRowId && previous.Count == file.Count && File.Exists(file.FinalPath);
            if (unchanged)
            {
                ExportFiles.TryDelete(file.PartialPath);
            }
            else
            {
                ExportFiles.Commit(file.PartialPath, file.FinalPath);
                FilesWritten++;
            }

            NewMessages += file.Fresh;
            Manifest.Set(file.Key, new ExportManifestItem(file.Name, file.LastRowId, file.Count));
            Exported.Add((file.Conversation, file.Name));
        }
    }
}
