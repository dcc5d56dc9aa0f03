using Keepsake.Export.Databases;
using Keepsake.Export.Messages;
using Keepsake.Primitives;

namespace Keepsake.Export.Safari;

/// <summary>
/// Exports Safari history (History.db: one row per visit, joined to its item) and bookmarks
/// (Bookmarks.db, with their folder path) as CSV, JSON or HTML. See docs/design/exporters.md, "Safari".
/// </summary>
public static class SafariExporter
{
    /// <summary>Domains holding Library/Safari, newest layout last.</summary>
    public static readonly IReadOnlyList<string> Domains = ["HomeDomain", "AppDomain-com.apple.mobilesafari"];

    public const string HistoryPath = "Library/Safari/History.db";

    public const string BookmarksPath = "Library/Safari/Bookmarks.db";

    private static readonly string[] HistoryColumns = ["visit_id", "visit_time", "title", "url", "visit_count", "origin", "load_successful", "redirect_source", "redirect_destination"];

    private static readonly string[] BookmarkColumns = ["id", "folder", "title", "url", "hidden"];

    /// <summary>Writes <c>&lt;name&gt;.&lt;ext&gt;</c> with one row per history visit; returns the row count.</summary>
    public static long ExportHistory(DatabaseFile history, string destination, TableFormat format, string name = "safari-history", TimeZoneInfo? zone = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(history);
        ArgumentException.ThrowIfNullOrEmpty(destination);
        var schema = history.Schema;
        if (!schema.HasTable("history_visits") || !schema.HasTable("history_items"))
        {
            throw new ExportException("has no history_visits/history_items tables: not a Safari History.db", history.Description);
        }

        Directory.CreateDirectory(destination);
        var path = new SafePath(destination).ResolveNoFollow($"{ExportFiles.SafeSegment(name, "safari-history")}.{TableWriter.Extension(format)}");
        using var html = format == TableFormat.Html ? new HistoryHtmlWriter(path, zone) : null;
        using var writer = html is null ? new TableWriter(path, format, "Safari history", HistoryColumns, zone) : null;
        using var command = history.Connection.CreateCommand();
        command.CommandText = $"""
            SELECT v.id, v.visit_time, {schema.Select("history_visits", "v", "title")}, i.url, {schema.Select("history_items", "i", "visit_count")},
                   {schema.Select("history_visits", "v", "origin")}, {schema.Select("history_visits", "v", "load_successful")},
                   {schema.Select("history_visits", "v", "redirect_source")}, {schema.Select("history_visits", "v", "redirect_destination")}
            FROM history_visits v LEFT JOIN history_items i ON i.id = v.history_item
            ORDER BY v.visit_time, v.id
            """;
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (html is not null)
            {
                html.Write(reader.GetInt64(0), AppleTime.FromCoreData(MessageReader.Double(reader, 1)), MessageReader.Text(reader, 2), MessageReader.Text(reader, 3),
                    reader.IsDBNull(4) ? null : MessageReader.Long(reader, 4), MessageReader.Long(reader, 5) == 1 ? "icloud" : "this-device");
                continue;
            }

            writer!.Write(
                reader.GetInt64(0),
                AppleTime.FromCoreData(MessageReader.Double(reader, 1)),
                MessageReader.Text(reader, 2),
                MessageReader.Text(reader, 3),
                reader.IsDBNull(4) ? null : MessageReader.Long(reader, 4),
                MessageReader.Long(reader, 5) == 1 ? "icloud" : "this-device",
                reader.IsDBNull(6) ? null : MessageReader.Long(reader, 6) != 0,
                reader.IsDBNull(7) ? null : MessageReader.Long(reader, 7),
                reader.IsDBNull(8) ? null : MessageReader.Long(reader, 8));
        }

        if (html is not null)
        {
            html.Commit();
            return html.Rows;
        }

        writer!.Commit();
        return writer.Rows;
    }

    /// <summary>The title of the folder that holds the Reading List in Bookmarks.db.</summary>
    public const string ReadingListFolder = "com.apple.ReadingList";

    /// <summary>
    /// Writes <c>safari-bookmarks.&lt;ext&gt;</c> (every leaf bookmark with its folder path) and, when the
    /// database has a Reading List, <c>safari-reading-list.&lt;ext&gt;</c> (its items, read or not): the
    /// Reading List is not a bookmark folder. Returns both row counts.
    /// </summary>
    public static (long Bookmarks, long ReadingList) ExportBookmarks(DatabaseFile bookmarks, string destination, TableFormat format, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(bookmarks);
        var schema = bookmarks.Schema;
        if (!schema.HasTable("bookmarks"))
        {
            throw new ExportException("has no bookmarks table: not a Safari Bookmarks.db", bookmarks.Description);
        }

        // Folders are few: hold id -> (parent, title) to build paths; leaves stream.
        var folders = new Dictionary<long, (long Parent, string Title)>();
        using (var command = bookmarks.Connection.CreateCommand())
        {
            command.CommandText = $"SELECT id, {schema.Select("bookmarks", "b", "parent")}, {schema.Select("bookmarks", "b", "title")} FROM bookmarks b WHERE {(schema.HasColumn("bookmarks", "type") ? "b.type = 1" : "b.url IS NULL")}";
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                folders[reader.GetInt64(0)] = (MessageReader.Long(reader, 1), MessageReader.Text(reader, 2) ?? string.Empty);
            }
        }

        Directory.CreateDirectory(destination);
        var root = new SafePath(destination);
        var readingListIds = folders.Where(f => f.Value.Title == ReadingListFolder).Select(f => f.Key).ToHashSet();
        using var writer = new TableWriter(root.ResolveNoFollow($"safari-bookmarks.{TableWriter.Extension(format)}"), format, "Safari bookmarks", BookmarkColumns);
        using var readingList = readingListIds.Count > 0
            ? new TableWriter(root.ResolveNoFollow($"safari-reading-list.{TableWriter.Extension(format)}"), format, "Safari Reading List", ReadingListColumns)
            : null;
        using (var command = bookmarks.Connection.CreateCommand())
        {
            command.CommandText = $"SELECT id, {schema.Select("bookmarks", "b", "parent")}, {schema.Select("bookmarks", "b", "title")}, {schema.Select("bookmarks", "b", "url")}, {schema.Select("bookmarks", "b", "hidden")}, {schema.Select("bookmarks", "b", "read")} FROM bookmarks b WHERE b.url IS NOT NULL ORDER BY b.id";
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                cancellationToken.ThrowIfCancellationRequested();
                var parent = MessageReader.Long(reader, 1);
                if (readingList is not null && InFolder(folders, parent, readingListIds))
                {
                    readingList.Write(reader.GetInt64(0), MessageReader.Text(reader, 2), MessageReader.Text(reader, 3), reader.IsDBNull(5) ? null : MessageReader.Long(reader, 5) != 0);
                    continue;
                }

                writer.Write(reader.GetInt64(0), FolderPath(folders, parent), MessageReader.Text(reader, 2), MessageReader.Text(reader, 3), MessageReader.Long(reader, 4) != 0);
            }
        }

        writer.Commit();
        readingList?.Commit();
        return (writer.Rows, readingList?.Rows ?? 0);
    }

    private static readonly string[] ReadingListColumns = ["id", "title", "url", "read"];

    private static bool InFolder(Dictionary<long, (long Parent, string Title)> folders, long id, HashSet<long> targets)
    {
        for (var guard = 0; guard < 64; guard++)
        {
            if (targets.Contains(id))
            {
                return true;
            }

            if (!folders.TryGetValue(id, out var folder) || folder.Parent == id)
            {
                return false;
            }

            id = folder.Parent;
        }

        return false;
    }

    private static string FolderPath(Dictionary<long, (long Parent, string Title)> folders, long id)
    {
        var parts = new List<string>();
        var guard = 0;
        while (folders.TryGetValue(id, out var folder) && guard++ < 64)
        {
            if (folder.Title.Length > 0)
            {
                parts.Add(folder.Title);
            }

            if (folder.Parent == id)
            {
                break;
            }

            id = folder.Parent;
        }

        parts.Reverse();
        return string.Join(" / ", parts);
    }
}
