using System.Globalization;
using Keepsake.Export.Databases;
using Keepsake.Export.Messages;
using Keepsake.Primitives;
using Microsoft.Data.Sqlite;

namespace Keepsake.Export.Contacts;

/// <summary>
/// Exports an AddressBook.sqlitedb to one vCard 4.0 file (<c>contacts.vcf</c>), one card per ABPerson
/// row, with phones, e-mails, postal addresses, URLs, organisation, title, birthday, note and the
/// photo (AddressBookImages.sqlitedb) as a <c>data:</c> URI. Rows stream from SQLite. See
/// docs/design/exporters.md, "Contacts".
/// </summary>
public sealed class ContactsExporter
{
    /// <summary>ABMultiValue.property of a phone number.</summary>
    public const int PhoneProperty = 3;

    /// <summary>ABMultiValue.property of an e-mail address.</summary>
    public const int EmailProperty = 4;

    /// <summary>ABMultiValue.property of a postal address (parts in ABMultiValueEntry).</summary>
    public const int AddressProperty = 5;

    /// <summary>ABMultiValue.property of a URL.</summary>
    public const int UrlProperty = 22;

    /// <summary>Path of AddressBookImages.sqlitedb inside HomeDomain.</summary>
    public const string ImagesPath = "Library/AddressBook/AddressBookImages.sqlitedb";

    private readonly DatabaseFile _book;
    private readonly DatabaseFile? _images;

    public ContactsExporter(DatabaseFile addressBook, DatabaseFile? images = null)
    {
        ArgumentNullException.ThrowIfNull(addressBook);
        _book = addressBook;
        _images = images;
        if (!addressBook.Schema.HasTable("ABPerson"))
        {
            throw new ExportException("has no ABPerson table: not an AddressBook.sqlitedb", addressBook.Description);
        }
    }

    /// <summary>Writes <c>contacts.vcf</c> into <paramref name="destination"/>.</summary>
    public Task<ContactsExportResult> ExportAsync(string destination, IProgress<ExportProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(destination);
        Directory.CreateDirectory(destination);
        var path = new SafePath(destination).ResolveNoFollow("contacts.vcf");
        var partial = path + ".partial";
        int count = 0, photos = 0;
        var schema = _book.Schema;
        try
        {
            using (var writer = new VCardWriter(new StreamWriter(partial, false, ExportFiles.Utf8)))
            using (var values = ValuesCommand())
            using (var entries = EntriesCommand())
            using (var photo = PhotoCommand())
            using (var command = _book.Connection.CreateCommand())
            {
                string[] columns = ["First", "Middle", "Last", "Prefix", "Suffix", "Nickname", "Organization", "Department", "JobTitle", "Note", "Birthday", "ModificationDate", "guid"];
                command.CommandText = $"SELECT p.ROWID, {string.Join(", ", columns.Select(c => schema.Select("ABPerson", "p", c)))} FROM ABPerson p ORDER BY p.ROWID";
                using var reader = command.ExecuteReader();
                while (reader.Read())
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    var id = reader.GetInt64(0);
                    string? T(int i) => MessageReader.Text(reader, i + 1) is { Length: > 0 } s ? s : null;
                    var first = T(0);
                    var middle = T(1);
                    var last = T(2);
                    var organization = T(6);
                    writer.WriteLine("BEGIN", "VCARD");
                    writer.WriteLine("VERSION", "4.0");
                    var fn = ContactName.Format(first, middle, last, organization, T(5)) ?? "(no name)";
                    writer.WriteLine("FN", VCardWriter.Escape(fn));
                    writer.WriteLine("N", VCardWriter.Structured(last, first, middle, T(3), T(4)));
                    if (T(5) is { } nick)
                    {
                        writer.WriteLine("NICKNAME", VCardWriter.Escape(nick));
                    }

                    if (organization is not null || T(7) is not null)
                    {
                        writer.WriteLine("ORG", VCardWriter.Structured(organization, T(7)));
                    }

                    if (organization is not null && first is null && last is null)
                    {
                        writer.WriteLine("KIND", "org");
                    }

                    if (T(8) is { } title)
                    {
                        writer.WriteLine("TITLE", VCardWriter.Escape(title));
                    }

                    if (MessageReader.Double(reader, 11) is var birthday && AppleTime.FromCoreData(birthday) is { } bday)
                    {
                        // Birthdays are stored as midnight local time of the day; the UTC date plus 12 h gives the intended day in every zone.
                        writer.WriteLine("BDAY", bday.AddHours(12).ToString("yyyyMMdd", CultureInfo.InvariantCulture));
                    }

                    WriteValues(writer, values, entries, id);
                    if (T(9) is { } note)
                    {
                        writer.WriteLine("NOTE", VCardWriter.Escape(note));
                    }

                    if (ReadPhoto(photo, id) is { } image)
                    {
                        writer.WriteLine("PHOTO", $"data:{ImageMediaType(image)};base64,{Convert.ToBase64String(image)}");
                        photos++;
                    }

                    if (T(12) is { } guid)
                    {
                        writer.WriteLine("UID", VCardWriter.UriValue(guid));
                    }

                    if (AppleTime.FromCoreData(MessageReader.Double(reader, 12)) is { } rev)
                    {
                        writer.WriteLine("REV", rev.UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture));
                    }

                    writer.WriteLine("END", "VCARD");
                    count++;
                    progress?.Report(new ExportProgress("contacts", count, null, fn));
                }
            }

            ExportFiles.Commit(partial, path);
        }
        catch
        {
            ExportFiles.TryDelete(partial);
            throw;
        }

        return Task.FromResult(new ContactsExportResult(count, photos, path));
    }

    /// <summary>The vCard TYPE for an AddressBook label (<c>_$!&lt;Mobile&gt;!$_</c> → <c>cell</c>); null when none fits.</summary>
    public static string? TypeFor(string? label, int property)
    {
        var bare = label?.Replace("_$!<", string.Empty, StringComparison.Ordinal).Replace(">!$_", string.Empty, StringComparison.Ordinal).ToUpperInvariant();
        return bare switch
        {
            null or "" => null,
            "MOBILE" or "IPHONE" => property == PhoneProperty ? "cell" : null,
            "HOME" => "home",
            "WORK" => "work",
            "MAIN" => property == PhoneProperty ? "voice" : null,
            "HOMEFAX" => "fax,home",
            "WORKFAX" => "fax,work",
            "OTHERFAX" => "fax",
            "PAGER" => "pager",
            _ => null,
        };
    }

    private void WriteValues(VCardWriter writer, SqliteCommand? values, SqliteCommand? entries, long person)
    {
        if (values is null)
        {
            return;
        }

        values.Parameters[0].Value = person;
        var rows = new List<(long Uid, int Property, string? Label, string? Value)>();
        using (var reader = values.ExecuteReader())
        {
            while (reader.Read())
            {
                rows.Add((reader.GetInt64(0), (int)MessageReader.Long(reader, 1), MessageReader.Text(reader, 2), MessageReader.Text(reader, 3)));
            }
        }

        var groups = 0;
        foreach (var (uid, property, label, value) in rows)
        {
            var type = TypeFor(label, property);
            var parameters = type is null ? string.Empty : $";TYPE={(type.Contains(',', StringComparison.Ordinal) ? $"\"{type}\"" : type)}";

            // A label no TYPE expresses (a custom one such as "TextNow", or Apple's Other, HomePage…) is kept
            // as Apple's own vCards keep it: the property in a group, and X-ABLabel in the same group (RFC 6350 §3.3).
            var group = type is null && !string.IsNullOrWhiteSpace(label) ? $"item{groups + 1}" : null;
            var prefix = group is null ? string.Empty : group + ".";
            var written = true;
            switch (property)
            {
                case PhoneProperty when value is not null:
                    writer.WriteLine(prefix + "TEL" + parameters + ";VALUE=text", VCardWriter.Escape(value));
                    break;
                case EmailProperty when value is not null:
                    writer.WriteLine(prefix + "EMAIL" + parameters, VCardWriter.Escape(value));
                    break;
                case UrlProperty when value is not null:
                    writer.WriteLine(prefix + "URL" + parameters, VCardWriter.UriValue(value));
                    break;
                case AddressProperty:
                    var parts = ReadEntries(entries, uid);
                    written = parts.Count > 0;
                    if (written)
                    {
                        writer.WriteLine(prefix + "ADR" + parameters, VCardWriter.Structured(
                            null, null, parts.GetValueOrDefault("Street"), parts.GetValueOrDefault("City"), parts.GetValueOrDefault("State"), parts.GetValueOrDefault("ZIP"), parts.GetValueOrDefault("Country")));
                    }

                    break;
                default:
                    written = false;
                    break;
            }

            if (written && group is not null)
            {
                writer.WriteLine(group + ".X-ABLabel", VCardWriter.Escape(label!));
                groups++;
            }
        }
    }

    private static Dictionary<string, string> ReadEntries(SqliteCommand? entries, long uid)
    {
        var parts = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        if (entries is null)
        {
            return parts;
        }

        entries.Parameters[0].Value = uid;
        using var reader = entries.ExecuteReader();
        while (reader.Read())
        {
            if (MessageReader.Text(reader, 0) is { } key && MessageReader.Text(reader, 1) is { } value)
            {
                parts[key] = value;
            }
        }

        return parts;
    }

    private SqliteCommand? ValuesCommand()
    {
        var schema = _book.Schema;
        if (!schema.HasTable("ABMultiValue"))
        {
            return null;
        }

        var command = _book.Connection.CreateCommand();
        var label = schema.HasTable("ABMultiValueLabel") ? "(SELECT l.value FROM ABMultiValueLabel l WHERE l.ROWID = v.label)" : "NULL";
        command.CommandText = $"SELECT v.UID, v.property, {label}, v.value FROM ABMultiValue v WHERE v.record_id = $id ORDER BY v.property, v.identifier, v.UID";
        command.Parameters.Add("$id", SqliteType.Integer);
        return command;
    }

    private SqliteCommand? EntriesCommand()
    {
        var schema = _book.Schema;
        if (!schema.HasTable("ABMultiValueEntry") || !schema.HasTable("ABMultiValueEntryKey"))
        {
            return null;
        }

        var command = _book.Connection.CreateCommand();
        command.CommandText = "SELECT k.value, e.value FROM ABMultiValueEntry e JOIN ABMultiValueEntryKey k ON k.ROWID = e.key WHERE e.parent_id = $id";
        command.Parameters.Add("$id", SqliteType.Integer);
        return command;
    }

    private SqliteCommand? PhotoCommand()
    {
        if (_images is null)
        {
            return null;
        }

        var schema = _images.Schema;
        var sources = new List<string>();
        if (schema.HasTable("ABFullSizeImage"))
        {
            sources.Add("SELECT data, 0 AS rank FROM ABFullSizeImage WHERE record_id = $id");
        }

        if (schema.HasTable("ABThumbnailImage"))
        {
            sources.Add("SELECT data, 1 + format AS rank FROM ABThumbnailImage WHERE record_id = $id");
        }

        if (sources.Count == 0)
        {
            return null;
        }

        var command = _images.Connection.CreateCommand();
        command.CommandText = $"SELECT data FROM ({string.Join(" UNION ALL ", sources)}) WHERE data IS NOT NULL ORDER BY rank LIMIT 1";
        command.Parameters.Add("$id", SqliteType.Integer);
        return command;
    }

    private static byte[]? ReadPhoto(SqliteCommand? command, long person)
    {
        if (command is null)
        {
            return null;
        }

        command.Parameters[0].Value = person;
        return command.ExecuteScalar() as byte[] is { Length: > 0 } data ? data : null;
    }

    private static string ImageMediaType(byte[] data) =>
        data.AsSpan().StartsWith((ReadOnlySpan<byte>)[0xFF, 0xD8]) ? "image/jpeg"
        : data.AsSpan().StartsWith((ReadOnlySpan<byte>)[0x89, 0x50, 0x4E, 0x47]) ? "image/png"
        : data.AsSpan().StartsWith("GIF8"u8) ? "image/gif"
        : "application/octet-stream";
}
