using System.Globalization;
using Keepsake.BackupFormat;
using Keepsake.Export.CallHistory;
using Keepsake.Export.Contacts;
using Keepsake.Export.Databases;
using Keepsake.Export.Messages;
using Keepsake.Export.Notes;
using Keepsake.Export.Photos;

namespace Keepsake.Export.History;

/// <summary>
/// Reads one kind of phone data out of a backup as <see cref="DataItem"/>s, streamed row by row from a
/// private copy of the kind's database (see <see cref="DatabaseFile"/>) and sorted by
/// <see cref="DataItem.Id"/> in <see cref="CompareIds"/> order, so two backups can be merged side by
/// side without holding either in memory. Reading never writes to the backup.
/// </summary>
public sealed class DataItemReader : IDisposable
{
    private readonly DatabaseFile _database;
    private readonly ContactNames _contacts;
    private readonly IReadOnlyDictionary<long, string> _conversations;

    private DataItemReader(DataKind kind, DatabaseFile database, ContactNames contacts, IReadOnlyDictionary<long, string> conversations)
    {
        Kind = kind;
        _database = database;
        _contacts = contacts;
        _conversations = conversations;
    }

    public DataKind Kind { get; }

    /// <summary>The backup domain and path of the database that holds <paramref name="kind"/>.</summary>
    public static (string Domain, string Path) Location(DataKind kind) => kind switch
    {
        DataKind.Messages => (MessagesDatabase.HomeDomain, MessagesDatabase.SmsDbPath),
        DataKind.Contacts => (MessagesDatabase.HomeDomain, MessagesDatabase.AddressBookPath),
        DataKind.Photos => (PhotosExporter.Domain, PhotosExporter.Path),
        DataKind.Calls => (MessagesDatabase.HomeDomain, CallHistoryExporter.StoreDataPath),
        DataKind.Notes => (NotesExporter.Domain, NotesExporter.Path),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };

    /// <summary>
    /// Opens the database of <paramref name="kind"/> in <paramref name="source"/>; null when the backup
    /// does not hold it, or holds a database without the kind's table.
    /// </summary>
    /// <exception cref="ExportException">The file is not a readable SQLite database.</exception>
    public static async Task<DataItemReader?> OpenAsync(IBackupFileSource source, DataKind kind, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(source);
        var (domain, path) = Location(kind);
        var database = await DatabaseFile.OpenFromBackupAsync(source, domain, path, cancellationToken).ConfigureAwait(false);
        if (database is null)
        {
            return null;
        }

        try
        {
            var table = kind switch
            {
                DataKind.Messages => "message",
                DataKind.Contacts => "ABPerson",
                DataKind.Photos => database.Schema.HasTable("ZASSET") ? "ZASSET" : "ZGENERICASSET",
                DataKind.Calls => "ZCALLRECORD",
                _ => "ZICCLOUDSYNCINGOBJECT",
            };
            if (!database.Schema.HasTable(table) || (kind == DataKind.Notes && !database.Schema.HasTable("ZICNOTEDATA")))
            {
                database.Dispose();
                return null;
            }

            var contacts = ContactNames.Empty;
            var conversations = new Dictionary<long, string>();
            if (kind == DataKind.Messages)
            {
                using (var book = await DatabaseFile.OpenOptionalFromBackupAsync(source, MessagesDatabase.HomeDomain, MessagesDatabase.AddressBookPath, cancellationToken).ConfigureAwait(false))
                {
                    if (book is not null)
                    {
                        contacts = ContactNames.Read(book);
                    }
                }
            }

            var reader = new DataItemReader(kind, database, contacts, conversations);
            if (kind == DataKind.Messages)
            {
                foreach (var conversation in new MessageReader(reader.MessagesView()).ReadConversations())
                {
                    conversations[conversation.Id] = conversation.Title;
                }
            }

            return reader;
        }
        catch
        {
            database.Dispose();
            throw;
        }
    }

    /// <summary>
    /// The order of <see cref="DataItem.Id"/>s: by Unicode code point, which is SQLite's BINARY order of UTF-8 text.
    /// </summary>
    public static int CompareIds(string? a, string? b)
    {
        if (a is null || b is null)
        {
            return a is null ? (b is null ? 0 : -1) : 1;
        }

        var length = Math.Min(a.Length, b.Length);
        for (var i = 0; i < length; i++)
        {
            if (a[i] != b[i])
            {
                return Fix(a[i]) - Fix(b[i]);
            }
        }

        return a.Length - b.Length;

        // Surrogates (U+D800–DFFF) stand for code points above U+FFFF: move them past U+E000–FFFF.
        static int Fix(char c) => c >= 0xD800 ? (c >= 0xE000 ? c - 0x800 : c + 0x2000) : c;
    }

    /// <summary>Every item, sorted by id with <see cref="CompareIds"/>; an id seen twice is given once.</summary>
    public IEnumerable<DataItem> ReadItems(CancellationToken cancellationToken = default)
    {
        string? previous = null;
        foreach (var item in ReadRows(cancellationToken))
        {
            if (previous is not null)
            {
                var order = CompareIds(previous, item.Id);
                if (order == 0)
                {
                    continue;
                }

                if (order > 0)
                {
                    throw new ExportException($"rows are not in id order ({previous} before {item.Id})", _database.Description);
                }
            }

            previous = item.Id;
            yield return item;
        }
    }

    /// <summary>Closes the database and deletes its private copy.</summary>
    public void Dispose() => _database.Dispose();

    private IEnumerable<DataItem> ReadRows(CancellationToken cancellationToken) => Kind switch
    {
        DataKind.Messages => ReadMessages(cancellationToken),
        DataKind.Contacts => ReadContacts(cancellationToken),
        DataKind.Photos => ReadPhotos(cancellationToken),
        DataKind.Calls => ReadCalls(cancellationToken),
        _ => ReadNotes(cancellationToken),
    };

    private MessagesDatabase MessagesView() => MessagesDatabase.Over(_database, _contacts);

    private string Column(string table, string alias, string column) =>
        _database.Schema.HasColumn(table, column) ? $"{alias}.\"{column}\"" : "NULL";

    private IEnumerable<DataItem> ReadMessages(CancellationToken cancellationToken)
    {
        const string T = "message";
        var chat = _database.Schema.HasTable("chat_message_join") ? "(SELECT j.chat_id FROM chat_message_join j WHERE j.message_id = m.ROWID ORDER BY j.chat_id LIMIT 1)" : "NULL";
        var handle = _database.Schema.HasTable("handle") ? "(SELECT h.id FROM handle h WHERE h.ROWID = m.handle_id)" : "NULL";
        var recoverable = _database.Schema.HasColumn("chat_recoverable_message_join", "message_id")
            ? "EXISTS (SELECT 1 FROM chat_recoverable_message_join r WHERE r.message_id = m.ROWID)"
            : "0";
        using var command = _database.Connection.CreateCommand();
        command.CommandText = $"""
            SELECT m.guid, {Column(T, "m", "text")}, {Column(T, "m", "attributedBody")}, {Column(T, "m", "date")}, {Column(T, "m", "is_from_me")}, {handle}, {chat},
                   {Column(T, "m", "subject")}, {recoverable}
            FROM message m WHERE m.guid IS NOT NULL ORDER BY m.guid COLLATE BINARY
            """;
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            cancellationToken.ThrowIfCancellationRequested();
            var guid = MessageReader.Text(reader, 0)!;
            string text;
            try
            {
                text = MessageReader.DecodeBody(MessageReader.Text(reader, 1), MessageReader.Blob(reader, 2)).Text;
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                text = MessageReader.Text(reader, 1) ?? string.Empty;
            }

            var date = reader.IsDBNull(3) ? null : AppleTime.FromMessageDate(MessageReader.Long(reader, 3));
            var fromMe = MessageReader.Long(reader, 4) != 0;
            var handleId = MessageReader.Text(reader, 5);
            var sender = fromMe ? "Me" : handleId is null ? "Unknown" : new Participant(handleId, _contacts.Find(handleId)).DisplayName;
            var chatId = reader.IsDBNull(6) ? (long?)null : MessageReader.Long(reader, 6);
            var title = chatId is { } c ? _conversations.GetValueOrDefault(c) ?? $"Chat {c}" : "Messages in no conversation";
            var subject = MessageReader.Text(reader, 7);
            var recentlyDeleted = MessageReader.Long(reader, 8) != 0;
            yield return new DataItem(DataKind.Messages, "message:" + guid, date, title, sender, text)
            {
                Fields = Fields(("text", text), ("subject", subject), ("sender", sender), ("date", Iso(date)), ("conversation", title), ("recentlyDeleted", recentlyDeleted ? "yes" : "no")),
            };
        }
    }

    private IEnumerable<DataItem> ReadContacts(CancellationToken cancellationToken)
    {
        const string T = "ABPerson";
        var hasValues = _database.Schema.HasTable("ABMultiValue");
        string Values(int property) => hasValues
            ? $"(SELECT group_concat(value, char(10)) FROM (SELECT CAST(v.value AS TEXT) AS value FROM ABMultiValue v WHERE v.record_id = p.ROWID AND v.property = {property} AND v.value IS NOT NULL ORDER BY 1))"
            : "NULL";
        var guid = _database.Schema.HasColumn(T, "guid") ? "NULLIF(p.guid, '')" : "NULL";
        using var command = _database.Connection.CreateCommand();
        command.CommandText = $"""
            SELECT COALESCE({guid}, CAST(p.ROWID AS TEXT)) AS id, {Column(T, "p", "First")}, {Column(T, "p", "Middle")}, {Column(T, "p", "Last")},
                   {Column(T, "p", "Organization")}, {Column(T, "p", "Nickname")}, {Column(T, "p", "Note")}, {Column(T, "p", "ModificationDate")},
                   {Values(ContactsExporter.PhoneProperty)}, {Values(ContactsExporter.EmailProperty)}
            FROM ABPerson p ORDER BY 1 COLLATE BINARY
            """;
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            cancellationToken.ThrowIfCancellationRequested();
            string? S(int i) => MessageReader.Text(reader, i);
            var name = ContactName.Format(S(1), S(2), S(3), S(4), S(5)) ?? "No name";
            var phones = S(8);
            var emails = S(9);
            var text = string.Join("; ", new[] { phones?.Replace('\n', ','), emails?.Replace('\n', ','), S(4), S(6) }.Where(v => !string.IsNullOrEmpty(v)));
            yield return new DataItem(DataKind.Contacts, "contact:" + S(0), AppleTime.FromCoreData(MessageReader.Double(reader, 7)), name, null, text)
            {
                Fields = Fields(("first", S(1)), ("middle", S(2)), ("last", S(3)), ("organization", S(4)), ("nickname", S(5)), ("note", S(6)), ("phones", phones), ("emails", emails)),
            };
        }
    }

    private IEnumerable<DataItem> ReadPhotos(CancellationToken cancellationToken)
    {
        var t = _database.Schema.HasTable("ZASSET") ? "ZASSET" : "ZGENERICASSET";
        var uuid = _database.Schema.HasColumn(t, "ZUUID") ? "NULLIF(a.ZUUID, '')" : "NULL";
        using var command = _database.Connection.CreateCommand();
        command.CommandText = $"""
            SELECT COALESCE({uuid}, {Column(t, "a", "ZDIRECTORY")} || '/' || {Column(t, "a", "ZFILENAME")}, CAST(a.Z_PK AS TEXT)) AS id,
                   {Column(t, "a", "ZDIRECTORY")}, {Column(t, "a", "ZFILENAME")}, {Column(t, "a", "ZDATECREATED")}, {Column(t, "a", "ZKIND")}, {Column(t, "a", "ZTRASHEDSTATE")}
            FROM {t} a ORDER BY 1 COLLATE BINARY
            """;
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            cancellationToken.ThrowIfCancellationRequested();
            var path = $"{MessageReader.Text(reader, 1)}/{MessageReader.Text(reader, 2)}";
            var date = AppleTime.FromCoreData(MessageReader.Double(reader, 3));
            var video = MessageReader.Long(reader, 4) == 1;
            var trashed = MessageReader.Long(reader, 5) != 0;
            var text = (video ? "video" : "photo") + (trashed ? ", in Recently Deleted" : string.Empty);
            yield return new DataItem(DataKind.Photos, "photo:" + MessageReader.Text(reader, 0), date, path, null, text)
            {
                Fields = Fields(("path", path), ("date", Iso(date)), ("trashed", trashed ? "yes" : "no")),
            };
        }
    }

    private IEnumerable<DataItem> ReadCalls(CancellationToken cancellationToken)
    {
        const string T = "ZCALLRECORD";
        var unique = _database.Schema.HasColumn(T, "ZUNIQUE_ID") ? "NULLIF(c.ZUNIQUE_ID, '')" : "NULL";
        using var command = _database.Connection.CreateCommand();
        command.CommandText = $"""
            SELECT COALESCE({unique}, CAST(c.Z_PK AS TEXT)) AS id, {Column(T, "c", "ZADDRESS")}, {Column(T, "c", "ZDATE")}, {Column(T, "c", "ZDURATION")},
                   {Column(T, "c", "ZORIGINATED")}, {Column(T, "c", "ZANSWERED")}
            FROM ZCALLRECORD c ORDER BY 1 COLLATE BINARY
            """;
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            cancellationToken.ThrowIfCancellationRequested();
            var address = MessageReader.Text(reader, 1) ?? "Unknown";
            var date = AppleTime.FromCoreData(MessageReader.Double(reader, 2));
            var seconds = MessageReader.Double(reader, 3);
            var duration = double.IsNaN(seconds) ? "0" : Math.Round(seconds).ToString(CultureInfo.InvariantCulture);
            var outgoing = MessageReader.Long(reader, 4) != 0;
            var answered = MessageReader.Long(reader, 5) != 0;
            var text = $"{(outgoing ? "outgoing" : "incoming")}, {(answered ? "answered" : "not answered")}, {duration} s";
            yield return new DataItem(DataKind.Calls, "call:" + MessageReader.Text(reader, 0), date, address, null, text)
            {
                Fields = Fields(("address", address), ("date", Iso(date)), ("duration", duration), ("direction", outgoing ? "outgoing" : "incoming")),
            };
        }
    }

    private IEnumerable<DataItem> ReadNotes(CancellationToken cancellationToken)
    {
        const string T = "ZICCLOUDSYNCINGOBJECT";
        var schema = _database.Schema;
        var modified = schema.FirstColumn(T, "ZMODIFICATIONDATE1", "ZMODIFICATIONDATE");
        var title = schema.FirstColumn(T, "ZTITLE1", "ZTITLE");
        var folderTitle = schema.FirstColumn(T, "ZTITLE2", "ZTITLE");
        var hasFolder = schema.HasColumn(T, "ZFOLDER") && folderTitle is not null;
        var identifier = schema.HasColumn(T, "ZIDENTIFIER") ? "NULLIF(n.ZIDENTIFIER, '')" : "NULL";
        using var command = _database.Connection.CreateCommand();
        command.CommandText = $"""
            SELECT COALESCE({identifier}, CAST(n.Z_PK AS TEXT)) AS id, {(title is null ? "NULL" : $"n.\"{title}\"")}, {(hasFolder ? $"f.\"{folderTitle}\"" : "NULL")},
                   {(modified is null ? "NULL" : $"n.\"{modified}\"")}, {Column(T, "n", "ZISPASSWORDPROTECTED")}, {Column(T, "n", "ZMARKEDFORDELETION")}, d.ZDATA
            FROM {T} n JOIN ZICNOTEDATA d ON d.Z_PK = n.ZNOTEDATA {(hasFolder ? $"LEFT JOIN {T} f ON f.Z_PK = n.ZFOLDER" : string.Empty)}
            ORDER BY 1 COLLATE BINARY
            """;
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            cancellationToken.ThrowIfCancellationRequested();
            var noteTitle = MessageReader.Text(reader, 1) ?? "Untitled";
            var folder = MessageReader.Text(reader, 2) ?? "Notes";
            var locked = MessageReader.Long(reader, 4) != 0;
            var deleted = MessageReader.Long(reader, 5) != 0;
            string body;
            if (locked)
            {
                body = "(locked)";
            }
            else
            {
                try
                {
                    body = NoteDocument.Decode(MessageReader.Blob(reader, 6) ?? []).Text;
                }
                catch (ProtobufException)
                {
                    body = "(the body could not be decoded)";
                }
            }

            yield return new DataItem(DataKind.Notes, "note:" + MessageReader.Text(reader, 0), AppleTime.FromCoreData(MessageReader.Double(reader, 3)), noteTitle, null, body)
            {
                Fields = Fields(("title", noteTitle), ("text", body), ("folder", folder), ("deleted", deleted ? "yes" : "no")),
            };
        }
    }

    private static Dictionary<string, string> Fields(params (string Name, string? Value)[] fields)
    {
        var result = new Dictionary<string, string>(fields.Length, StringComparer.Ordinal);
        foreach (var (name, value) in fields)
        {
            result[name] = value ?? string.Empty;
        }

        return result;
    }

    private static string? Iso(DateTimeOffset? date) => date?.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
}
