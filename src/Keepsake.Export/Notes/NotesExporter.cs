using Keepsake.Export.Databases;
using Keepsake.Export.Messages;
using Keepsake.Primitives;

namespace Keepsake.Export.Notes;

/// <summary>
/// Exports the notes of a NoteStore.sqlite: one file per note under its folder's name, decoded from
/// the gzipped protobuf in ZICNOTEDATA.ZDATA. Version-numbered columns (ZTITLE1, ZCREATIONDATE1/3,
/// ZMODIFICATIONDATE1...) are chosen at run time. Password-protected notes are listed as locked.
/// See docs/design/exporters.md, "Notes".
/// </summary>
public sealed class NotesExporter
{
    /// <summary>Domain of NoteStore.sqlite in a backup.</summary>
    public const string Domain = "AppDomainGroup-group.com.apple.notes";

    /// <summary>Path of NoteStore.sqlite inside <see cref="Domain"/>.</summary>
    public const string Path = "NoteStore.sqlite";

    private readonly DatabaseFile _database;

    public NotesExporter(DatabaseFile database)
    {
        ArgumentNullException.ThrowIfNull(database);
        _database = database;
        if (!database.Schema.HasTable("ZICCLOUDSYNCINGOBJECT") || !database.Schema.HasTable("ZICNOTEDATA"))
        {
            throw new ExportException("has no ZICCLOUDSYNCINGOBJECT/ZICNOTEDATA tables: not a NoteStore.sqlite (iOS 9+)", database.Description);
        }
    }

    /// <summary>Writes the notes into <paramref name="destination"/>.</summary>
    public Task<NotesExportResult> ExportAsync(string destination, NoteFormat format = NoteFormat.Markdown, IProgress<ExportProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(destination);
        Directory.CreateDirectory(destination);
        var root = new SafePath(destination);
        var schema = _database.Schema;
        const string T = "ZICCLOUDSYNCINGOBJECT";
        var created = MostPopulated("ZCREATIONDATE3", "ZCREATIONDATE1", "ZCREATIONDATE");
        var modified = MostPopulated("ZMODIFICATIONDATE1", "ZMODIFICATIONDATE");
        var title = schema.FirstColumn(T, "ZTITLE1", "ZTITLE") ?? "ZIDENTIFIER";
        var folderTitle = schema.FirstColumn(T, "ZTITLE2", "ZTITLE") ?? "ZIDENTIFIER";
        var folderJoin = schema.HasColumn(T, "ZFOLDER") ? $"LEFT JOIN {T} f ON f.Z_PK = n.ZFOLDER" : string.Empty;
        var folderSelect = schema.HasColumn(T, "ZFOLDER") ? $"f.\"{folderTitle}\"" : "NULL";
        using var command = _database.Connection.CreateCommand();
        command.CommandText = $"""
            SELECT n.Z_PK, n."{title}", {folderSelect}, {(created is null ? "NULL" : $"n.\"{created}\"")}, {(modified is null ? "NULL" : $"n.\"{modified}\"")},
                   {schema.Select(T, "n", "ZISPASSWORDPROTECTED")}, {schema.Select(T, "n", "ZMARKEDFORDELETION")}, d.ZDATA
            FROM {T} n JOIN ZICNOTEDATA d ON d.Z_PK = n.ZNOTEDATA {folderJoin}
            ORDER BY n.Z_PK
            """;
        using var reader = command.ExecuteReader();
        int notes = 0, locked = 0, failed = 0;
        var extension = format switch { NoteFormat.Txt => "txt", NoteFormat.Markdown => "md", _ => "html" };
        while (reader.Read())
        {
            cancellationToken.ThrowIfCancellationRequested();
            var id = reader.GetInt64(0);
            var noteTitle = MessageReader.Text(reader, 1) ?? "Untitled";
            var folder = MessageReader.Text(reader, 2) ?? "Notes";
            var createdAt = AppleTime.FromCoreData(MessageReader.Double(reader, 3));
            var modifiedAt = AppleTime.FromCoreData(MessageReader.Double(reader, 4));
            var isLocked = MessageReader.Long(reader, 5) != 0;
            var isDeleted = MessageReader.Long(reader, 6) != 0;
            var data = MessageReader.Blob(reader, 7);
            string body;
            if (isLocked)
            {
                locked++;
                body = Wrap(format, noteTitle, "(This note is locked with a password; its content is encrypted and was not exported.)", createdAt, modifiedAt, isDeleted, escape: true);
            }
            else
            {
                try
                {
                    var document = NoteDocument.Decode(data ?? []);
                    body = Wrap(format, noteTitle, NoteRenderer.Render(document, format), createdAt, modifiedAt, isDeleted, escape: false);
                }
                catch (ProtobufException ex)
                {
                    failed++;
                    body = Wrap(format, noteTitle, $"(The note body could not be decoded: {ex.Message})", createdAt, modifiedAt, isDeleted, escape: true);
                }
            }

            var relative = $"{ExportFiles.SafeSegment(folder, "Notes", 60)}/{ExportFiles.SafeSegment(noteTitle, "Untitled", 60)} [{id}].{extension}";
            var path = root.ResolveNoFollow(relative);
            Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
            var partial = path + ".partial";
            File.WriteAllText(partial, body, ExportFiles.Utf8);
            ExportFiles.Commit(partial, path);
            if (modifiedAt is { } m)
            {
                File.SetLastWriteTimeUtc(path, m.UtcDateTime);
            }

            notes++;
            progress?.Report(new ExportProgress("notes", notes, null, noteTitle));
        }

        return Task.FromResult(new NotesExportResult(notes, locked, failed));
    }

    private static string Wrap(NoteFormat format, string title, string content, DateTimeOffset? created, DateTimeOffset? modified, bool deleted, bool escape)
    {
        var dates = $"Created: {ExportFiles.IsoTime(created, TimeZoneInfo.Utc) ?? "unknown"}; modified: {ExportFiles.IsoTime(modified, TimeZoneInfo.Utc) ?? "unknown"} (UTC){(deleted ? "; in Recently Deleted" : string.Empty)}";
        return format switch
        {
            NoteFormat.Txt => $"{content}\n\n---\n{dates}\n",
            NoteFormat.Markdown => $"{content}\n\n---\n_{dates}_\n",
            _ => $"<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>{System.Net.WebUtility.HtmlEncode(title)}</title>"
                + "<style>body{font-family:-apple-system,Segoe UI,Helvetica,Arial,sans-serif;max-width:45em;margin:1em auto}.meta{color:#666;font-size:.85em}</style></head><body>\n"
                + (escape ? $"<p>{System.Net.WebUtility.HtmlEncode(content)}</p>" : content)
                + $"\n<p class=\"meta\">{System.Net.WebUtility.HtmlEncode(dates)}</p></body></html>\n",
        };
    }

    private string? MostPopulated(params string[] candidates)
    {
        string? best = null;
        long bestCount = -1;
        foreach (var column in candidates.Where(c => _database.Schema.HasColumn("ZICCLOUDSYNCINGOBJECT", c)))
        {
            using var command = _database.Connection.CreateCommand();
            command.CommandText = $"SELECT COUNT(\"{column}\") FROM ZICCLOUDSYNCINGOBJECT WHERE ZNOTEDATA IS NOT NULL";
            var count = Convert.ToInt64(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
            if (count > bestCount)
            {
                best = column;
                bestCount = count;
            }
        }

        return best;
    }
}
