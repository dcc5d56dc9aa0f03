using Keepsake.BackupFormat;
using Keepsake.Export.Databases;
using Keepsake.Export.Messages;
using Keepsake.Export.Messages.Writers;
using Keepsake.Primitives;

namespace Keepsake.Export.WhatsApp;

/// <summary>
/// Exports WhatsApp's ChatStorage.sqlite: one file per chat session (ZWACHATSESSION) in the messages
/// formats (TXT, CSV, JSON, HTML; same layouts and JSON schema as Messages), with media copied from
/// the group container when a backup is given. See docs/design/exporters.md, "WhatsApp".
/// </summary>
public sealed class WhatsAppExporter
{
    public const string Domain = "AppDomainGroup-group.net.whatsapp.WhatsApp.shared";

    public const string Path = "ChatStorage.sqlite";

    /// <summary>ZMESSAGETYPE of a shared location (coordinates in ZWAMEDIAITEM.ZLATITUDE/ZLONGITUDE).</summary>
    internal const long TypeLocation = 5;

    /// <summary>ZMESSAGETYPE of a group event (creation, name change, members), detailed by ZGROUPEVENTTYPE.</summary>
    internal const long TypeGroupEvent = 6;

    /// <summary>ZMESSAGETYPE of the notice at the start of every chat.</summary>
    internal const long TypeChatNotice = 10;

    private readonly DatabaseFile _database;
    private readonly IBackupFileSource? _source;
    private Dictionary<string, string> _pushNames = new(StringComparer.Ordinal);

    public WhatsAppExporter(DatabaseFile database, IBackupFileSource? source = null)
    {
        ArgumentNullException.ThrowIfNull(database);
        _database = database;
        _source = source;
        if (!database.Schema.HasTable("ZWAMESSAGE"))
        {
            throw new ExportException("has no ZWAMESSAGE table: not a WhatsApp ChatStorage.sqlite", database.Description);
        }
    }

    /// <summary>Writes one file per chat into <paramref name="destination"/>.</summary>
    public async Task<WhatsAppExportResult> ExportAsync(string destination, MessageFormat format, TimeZoneInfo? zone = null, IProgress<ExportProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(destination);
        zone ??= TimeZoneInfo.Utc;
        Directory.CreateDirectory(destination);
        var root = new SafePath(destination);
        var schema = _database.Schema;
        _pushNames = ReadPushNames();
        var sessions = ReadSessions();
        const string M = "ZWAMESSAGE";
        var hasMembers = schema.HasTable("ZWAGROUPMEMBER") && schema.HasColumn(M, "ZGROUPMEMBER");
        var hasMedia = schema.HasTable("ZWAMEDIAITEM") && schema.HasColumn(M, "ZMEDIAITEM");
        using var command = _database.Connection.CreateCommand();
        command.CommandText = $"""
            SELECT m.Z_PK, {schema.Select(M, "m", "ZCHATSESSION")}, {schema.Select(M, "m", "ZISFROMME")}, {schema.Select(M, "m", "ZMESSAGEDATE")},
                   {schema.Select(M, "m", "ZTEXT")}, {schema.Select(M, "m", "ZFROMJID")}, {schema.Select(M, "m", "ZMESSAGETYPE")},
                   {(hasMembers ? "g.ZMEMBERJID, g.ZCONTACTNAME" : "NULL, NULL")}, {schema.Select(M, "m", "ZSTANZAID")},
                   {(hasMedia ? "mi.Z_PK, mi.ZMEDIALOCALPATH, mi.ZTITLE" : "NULL, NULL, NULL")},
                   {(hasMedia ? $"{schema.Select("ZWAMEDIAITEM", "mi", "ZLATITUDE")}, {schema.Select("ZWAMEDIAITEM", "mi", "ZLONGITUDE")}, {schema.Select("ZWAMEDIAITEM", "mi", "ZMEDIAURL")}" : "NULL, NULL, NULL")},
                   {schema.Select(M, "m", "ZGROUPEVENTTYPE")}, {(hasMembers ? "g.ZFIRSTNAME" : "NULL")}, {schema.Select(M, "m", "ZPUSHNAME")}
            FROM ZWAMESSAGE m
            {(hasMembers ? "LEFT JOIN ZWAGROUPMEMBER g ON g.Z_PK = m.ZGROUPMEMBER" : string.Empty)}
            {(hasMedia ? "LEFT JOIN ZWAMEDIAITEM mi ON mi.Z_PK = m.ZMEDIAITEM" : string.Empty)}
            ORDER BY m.ZCHATSESSION, m.ZMESSAGEDATE, m.Z_PK
            """;
        using var reader = command.ExecuteReader();
        long messages = 0;
        int media = 0, copied = 0, chats = 0;
        long? current = long.MinValue;
        MessageWriter? writer = null;
        string? partial = null, final = null;
        var written = new HashSet<long>();
        try
        {
            while (reader.Read())
            {
                cancellationToken.ThrowIfCancellationRequested();
                var sessionId = reader.IsDBNull(1) ? Conversation.OrphansId : reader.GetInt64(1);
                if (writer is null || sessionId != current)
                {
                    Finish(ref writer, partial, final);
                    current = sessionId;
                    var conversation = sessions.GetValueOrDefault(sessionId) ?? new Conversation { Id = sessionId, IsSynthetic = true };
                    final = root.ResolveNoFollow($"{ExportFiles.SafeSegment(conversation.Title, "chat", 60)} [{(sessionId == Conversation.OrphansId ? "no chat" : sessionId.ToString(System.Globalization.CultureInfo.InvariantCulture))}].{MessageWriter.Extension(format)}");
                    partial = final + ".partial";
                    writer = MessageWriter.Create(format, new FileStream(partial, FileMode.Create, FileAccess.Write), zone);
                    writer.Begin(conversation, _database.Description);
                    written.Add(sessionId);
                    chats++;
                }

                var id = reader.GetInt64(0);
                var isFromMe = MessageReader.Long(reader, 2) != 0;
                var type = MessageReader.Long(reader, 6);
                var session = sessions.GetValueOrDefault(sessionId);
                var memberJid = MessageReader.Text(reader, 7);
                var senderJid = memberJid ?? MessageReader.Text(reader, 5) ?? string.Empty;
                var senderName = MessageReader.Text(reader, 8) ?? MessageReader.Text(reader, 17) ?? MessageReader.Text(reader, 18)
                    ?? (session is { IsGroup: false } ? session.DisplayName : null) ?? _pushNames.GetValueOrDefault(senderJid);
                var isSystem = type is TypeGroupEvent or TypeChatNotice;
                var location = type == TypeLocation ? WhatsAppLocation.From(reader, 13, 14, 12, 15) : null;
                var attachments = new List<MessageAttachment>();
                if (!reader.IsDBNull(10) && location is null)
                {
                    var attachment = new MessageAttachment
                    {
                        RowId = reader.GetInt64(10),
                        DevicePath = MessageReader.Text(reader, 11),
                        TransferName = MessageReader.Text(reader, 12) is { Length: > 0 } t ? t : null,
                    };
                    if (attachment.DevicePath is not null || type != 0)
                    {
                        media++;
                        if (await PlaceMediaAsync(root, sessionId, attachment, cancellationToken).ConfigureAwait(false))
                        {
                            copied++;
                            if (format == MessageFormat.Html)
                            {
                                Images.HeicPreview.Add(root, attachment);
                            }

                        }

                        attachments.Add(attachment);
                    }
                }

                var text = MessageReader.Text(reader, 4) ?? string.Empty;
                Participant sender;
                string? systemEvent = null;
                if (isSystem)
                {
                    // A system row's ZFROMJID is the chat itself (the group's id): the actor, when known, is the group member.
                    var actor = isFromMe ? "You" : memberJid is null ? null : senderName ?? memberJid;
                    sender = isFromMe ? new Participant("Me", "Me") : memberJid is null ? new Participant("WhatsApp", null) : new Participant(memberJid, senderName);
                    systemEvent = WhatsAppSystemEvent.Describe(type, MessageReader.Long(reader, 16), actor, text, session);
                    text = string.Empty;
                }
                else
                {
                    sender = isFromMe ? new Participant("Me", "Me") : new Participant(senderJid, senderName);
                    if (location is not null)
                    {
                        text = text.Length > 0 ? location.Describe() + "\n" + text : location.Describe();
                    }
                }

                writer.Write(new Message
                {
                    RowId = id,
                    Guid = MessageReader.Text(reader, 9) ?? $"whatsapp-{id}",
                    ConversationId = sessionId,
                    Date = AppleTime.FromCoreData(MessageReader.Double(reader, 3)),
                    IsFromMe = isFromMe,
                    Sender = sender,
                    Service = "WhatsApp",
                    Text = text,
                    Attachments = attachments,
                    SystemEvent = systemEvent,
                });
                messages++;
                progress?.Report(new ExportProgress("whatsapp", messages, null));
            }

            Finish(ref writer, partial, final);
        }
        catch
        {
            writer?.Dispose();
            if (partial is not null)
            {
                ExportFiles.TryDelete(partial);
            }

            throw;
        }

        foreach (var session in sessions.Values.Where(s => !written.Contains(s.Id)))
        {
            var path = root.ResolveNoFollow($"{ExportFiles.SafeSegment(session.Title, "chat", 60)} [{session.Id}].{MessageWriter.Extension(format)}");
            var p = path + ".partial";
            using (var empty = MessageWriter.Create(format, new FileStream(p, FileMode.Create, FileAccess.Write), zone))
            {
                empty.Begin(session, _database.Description);
                empty.End();
            }

            ExportFiles.Commit(p, path);
            chats++;
        }

        return new WhatsAppExportResult(chats, messages, media, copied);
    }

    private static void Finish(ref MessageWriter? writer, string? partial, string? final)
    {
        if (writer is null)
        {
            return;
        }

        writer.End();
        writer.Dispose();
        writer = null;
        ExportFiles.Commit(partial!, final!);
    }

    private Dictionary<long, Conversation> ReadSessions()
    {
        var result = new Dictionary<long, Conversation>();
        var schema = _database.Schema;
        if (!schema.HasTable("ZWACHATSESSION"))
        {
            return result;
        }

        using var command = _database.Connection.CreateCommand();
        command.CommandText = $"SELECT s.Z_PK, {schema.Select("ZWACHATSESSION", "s", "ZCONTACTJID")}, {schema.Select("ZWACHATSESSION", "s", "ZPARTNERNAME")}, {schema.Select("ZWACHATSESSION", "s", "ZSESSIONTYPE")} FROM ZWACHATSESSION s";
        var members = ReadGroupMembers();
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            var id = reader.GetInt64(0);
            var jid = MessageReader.Text(reader, 1);
            var isGroup = MessageReader.Long(reader, 3) == 1 || (jid?.EndsWith("@g.us", StringComparison.Ordinal) ?? false);
            result[id] = new Conversation
            {
                Id = id,
                Guid = jid,
                Identifier = jid,
                DisplayName = MessageReader.Text(reader, 2),
                Service = "WhatsApp",
                IsGroup = isGroup,
                Participants = isGroup ? members.GetValueOrDefault(id) ?? [] : jid is null ? [] : [new Participant(jid, MessageReader.Text(reader, 2) ?? _pushNames.GetValueOrDefault(jid))],
            };
        }

        return result;
    }

    /// <summary>The members of each group chat (ZWAGROUPMEMBER by ZCHATSESSION), named from the member row or the push names.</summary>
    private Dictionary<long, List<Participant>> ReadGroupMembers()
    {
        var result = new Dictionary<long, List<Participant>>();
        var schema = _database.Schema;
        const string G = "ZWAGROUPMEMBER";
        if (!schema.HasTable(G) || !schema.HasColumn(G, "ZCHATSESSION") || !schema.HasColumn(G, "ZMEMBERJID"))
        {
            return result;
        }

        using var command = _database.Connection.CreateCommand();
        command.CommandText = $"SELECT g.ZCHATSESSION, g.ZMEMBERJID, {schema.Select(G, "g", "ZCONTACTNAME")}, {schema.Select(G, "g", "ZFIRSTNAME")} FROM ZWAGROUPMEMBER g WHERE g.ZCHATSESSION IS NOT NULL AND g.ZMEMBERJID IS NOT NULL ORDER BY g.ZCHATSESSION, g.Z_PK";
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            if (reader.GetValue(0) is not long session || MessageReader.Text(reader, 1) is not { Length: > 0 } jid)
            {
                continue;
            }

            var list = result.TryGetValue(session, out var l) ? l : result[session] = [];
            if (list.All(p => p.Handle != jid))
            {
                list.Add(new Participant(jid, MessageReader.Text(reader, 2) ?? MessageReader.Text(reader, 3) ?? _pushNames.GetValueOrDefault(jid)));
            }
        }

        return result;
    }

    /// <summary>The names people gave themselves (ZWAPROFILEPUSHNAME), by JID.</summary>
    private Dictionary<string, string> ReadPushNames()
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        var schema = _database.Schema;
        if (!schema.HasColumn("ZWAPROFILEPUSHNAME", "ZJID") || !schema.HasColumn("ZWAPROFILEPUSHNAME", "ZPUSHNAME"))
        {
            return result;
        }

        using var command = _database.Connection.CreateCommand();
        command.CommandText = "SELECT ZJID, ZPUSHNAME FROM ZWAPROFILEPUSHNAME";
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            if (MessageReader.Text(reader, 0) is { Length: > 0 } jid && MessageReader.Text(reader, 1) is { Length: > 0 } name)
            {
                result[jid] = name;
            }
        }

        return result;
    }

    private async Task<bool> PlaceMediaAsync(SafePath root, long session, MessageAttachment attachment, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(attachment.DevicePath))
        {
            attachment.MissingReason = "no local file (not downloaded)";
            return false;
        }

        if (_source is null)
        {
            attachment.MissingReason = "loose database: media files are not available";
            return false;
        }

        var entry = _source.FindEntry(Domain, "Message/" + attachment.DevicePath.TrimStart('/')) ?? _source.FindEntry(Domain, attachment.DevicePath.TrimStart('/'));
        if (entry is not { Kind: BackupEntryKind.File })
        {
            attachment.MissingReason = "not in the backup";
            return false;
        }

        var exported = $"media/{session}/{attachment.RowId}-{ExportFiles.SafeSegment(System.IO.Path.GetFileName(attachment.DevicePath), "media")}";
        var target = root.ResolveNoFollow(exported);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(target)!);
        if (!File.Exists(target) || new FileInfo(target).Length != entry.Size)
        {
            var partial = target + ".partial";
            try
            {
                ExportFiles.TryDelete(partial);
                await DatabaseFile.CopyEntryAsync(_source, entry, partial, cancellationToken).ConfigureAwait(false);
                ExportFiles.Commit(partial, target);
            }
            catch (BackupFormatException ex) when (ex.Error == BackupFormatError.MissingBlob)
            {
                ExportFiles.TryDelete(partial);
                attachment.MissingReason = "listed in the backup but its file is absent";
                return false;
            }
        }

        attachment.ExportedPath = exported;
        return true;
    }
}
