using System.Globalization;
using System.Text;
using Keepsake.BackupFormat;
using Microsoft.Data.Sqlite;

namespace Keepsake.Export.History;

/// <summary>
/// A full-text index over every snapshot of a vault: messages, contacts, calls, notes and photos, each
/// stored once under its stable id (<see cref="DataItem.Id"/>) with the first and last snapshot it was
/// seen in, so a hundred snapshots of the same messages cost one copy. Words are found with SQLite FTS5
/// (<c>unicode61 remove_diacritics 2</c>: "cafe" finds "café"), substrings and CJK with a second FTS5
/// table using the <c>trigram</c> tokenizer. The index is derived and rebuildable; it holds a plain copy of
/// the phone's text, so its file is owner-only (0600) in an owner-only folder, and <see cref="Delete"/>
/// removes it. Add snapshots with <see cref="AddSnapshotAsync"/> (already indexed ones are skipped).
/// </summary>
public sealed class SearchIndex : IDisposable
{
    /// <summary>Kinds the index holds.</summary>
    public static IReadOnlyList<DataKind> IndexedKinds { get; } = BackupDataDiff.AllKinds;

    private const int SchemaVersion = 1;

    private const string Schema = """
        CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
        CREATE TABLE IF NOT EXISTS snapshots (id TEXT PRIMARY KEY, time TEXT NOT NULL, device TEXT NOT NULL, items INTEGER NOT NULL);
        CREATE TABLE IF NOT EXISTS items (
            rowid INTEGER PRIMARY KEY, id TEXT NOT NULL, device TEXT NOT NULL, kind TEXT NOT NULL, date TEXT, title TEXT NOT NULL, sender TEXT, text TEXT NOT NULL,
            first_snapshot TEXT NOT NULL, first_time TEXT NOT NULL, last_snapshot TEXT NOT NULL, last_time TEXT NOT NULL, UNIQUE (device, id));
        CREATE INDEX IF NOT EXISTS items_context ON items (device, kind, title, date);
        CREATE VIRTUAL TABLE IF NOT EXISTS items_fts USING fts5 (title, sender, text, content = 'items', content_rowid = 'rowid', tokenize = 'unicode61 remove_diacritics 2');
        CREATE VIRTUAL TABLE IF NOT EXISTS items_trigram USING fts5 (title, text, content = 'items', content_rowid = 'rowid', tokenize = 'trigram');
        CREATE TRIGGER IF NOT EXISTS items_ai AFTER INSERT ON items BEGIN
            INSERT INTO items_fts (rowid, title, sender, text) VALUES (new.rowid, new.title, new.sender, new.text);
            INSERT INTO items_trigram (rowid, title, text) VALUES (new.rowid, new.title, new.text);
        END;
        CREATE TRIGGER IF NOT EXISTS items_ad AFTER DELETE ON items BEGIN
            INSERT INTO items_fts (items_fts, rowid, title, sender, text) VALUES ('delete', old.rowid, old.title, old.sender, old.text);
            INSERT INTO items_trigram (items_trigram, rowid, title, text) VALUES ('delete', old.rowid, old.title, old.text);
        END;
        CREATE TRIGGER IF NOT EXISTS items_au AFTER UPDATE OF title, sender, text ON items BEGIN
            INSERT INTO items_fts (items_fts, rowid, title, sender, text) VALUES ('delete', old.rowid, old.title, old.sender, old.text);
            INSERT INTO items_trigram (items_trigram, rowid, title, text) VALUES ('delete', old.rowid, old.title, old.text);
            INSERT INTO items_fts (rowid, title, sender, text) VALUES (new.rowid, new.title, new.sender, new.text);
            INSERT INTO items_trigram (rowid, title, text) VALUES (new.rowid, new.title, new.text);
        END;
        """;

    private readonly SqliteConnection _connection;

    private SearchIndex(string path, SqliteConnection connection)
    {
        Path = path;
        _connection = connection;
    }

    /// <summary>The index file.</summary>
    public string Path { get; }

    /// <summary>Whether SQLite (as Microsoft.Data.Sqlite bundles it) was built with FTS5.</summary>
    public static bool HasFts5()
    {
        using var connection = new SqliteConnection("Data Source=:memory:");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT sqlite_compileoption_used('ENABLE_FTS5')";
        return Convert.ToInt64(command.ExecuteScalar(), CultureInfo.InvariantCulture) == 1;
    }

    /// <summary>Whether an index exists at <paramref name="path"/>.</summary>
    public static bool Exists(string path) => File.Exists(path);

    /// <summary>
    /// Opens the index at <paramref name="path"/>, creating it (owner-only, in an owner-only folder) when
    /// <paramref name="create"/> is set.
    /// </summary>
    /// <exception cref="NotSupportedException">This SQLite lacks FTS5.</exception>
    /// <exception cref="FileNotFoundException">There is no index and <paramref name="create"/> is false.</exception>
    public static SearchIndex Open(string path, bool create)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!HasFts5())
        {
            throw new NotSupportedException("this build's SQLite has no FTS5 (ENABLE_FTS5), which the search index needs.");
        }

        if (!File.Exists(path))
        {
            if (!create)
            {
                throw new FileNotFoundException("there is no search index yet: 'keepsake index' builds it.", path);
            }

            var folder = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path))!;
            if (!Directory.Exists(folder))
            {
                if (OperatingSystem.IsWindows())
                {
                    Directory.CreateDirectory(folder);
                }
                else
                {
                    Directory.CreateDirectory(folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
                }
            }

            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows())
            {
                options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            }

            using (new FileStream(path, options))
            {
            }
        }

        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadWrite, Pooling = false }.ToString());
        try
        {
            connection.Open();
            Execute(connection, "PRAGMA journal_mode = DELETE; PRAGMA synchronous = NORMAL; PRAGMA temp_store = MEMORY; PRAGMA cache_size = -65536;");
            Execute(connection, Schema);
            Execute(connection, $"INSERT OR IGNORE INTO meta (key, value) VALUES ('version', '{SchemaVersion}')");
            return new SearchIndex(path, connection);
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    /// <summary>Removes the index file (and SQLite's side files); false when there was none.</summary>
    public static bool Delete(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var existed = File.Exists(path);
        if (!Directory.Exists(System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path))))
        {
            return false;
        }

        foreach (var file in new[] { path, path + "-journal", path + "-wal", path + "-shm" })
        {
            File.Delete(file);
        }

        return existed;
    }

    /// <summary>The snapshots indexed, oldest first.</summary>
    public IReadOnlyList<IndexedSnapshot> Snapshots()
    {
        using var command = _connection.CreateCommand();
        command.CommandText = "SELECT id, time, device, items FROM snapshots ORDER BY time, id";
        using var reader = command.ExecuteReader();
        var result = new List<IndexedSnapshot>();
        while (reader.Read())
        {
            result.Add(new IndexedSnapshot(reader.GetString(0), DateTimeOffset.Parse(reader.GetString(1), CultureInfo.InvariantCulture), reader.GetString(2)) { Items = reader.GetInt64(3) });
        }

        return result;
    }

    /// <summary>Whether <paramref name="snapshotId"/> is indexed.</summary>
    public bool Contains(string snapshotId)
    {
        using var command = _connection.CreateCommand();
        command.CommandText = "SELECT 1 FROM snapshots WHERE id = $id";
        command.Parameters.AddWithValue("$id", snapshotId);
        return command.ExecuteScalar() is not null;
    }

    /// <summary>Forgets a snapshot that no longer exists in the vault (its items keep their other snapshots' dates).</summary>
    public void RemoveSnapshot(string snapshotId)
    {
        using var command = _connection.CreateCommand();
        command.CommandText = "DELETE FROM snapshots WHERE id = $id";
        command.Parameters.AddWithValue("$id", snapshotId);
        command.ExecuteNonQuery();
    }

    /// <summary>
    /// Adds every item of <paramref name="source"/> (the backup in <paramref name="snapshot"/>) in one
    /// transaction: a new item is inserted, one already known gets the snapshot as its first or last one when
    /// it is older or newer than those, and its text is replaced when this is its newest snapshot and it changed.
    /// Returns the number of items read; 0 and nothing done when the snapshot is already indexed.
    /// </summary>
    public async Task<long> AddSnapshotAsync(IndexedSnapshot snapshot, IBackupFileSource source, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        ArgumentNullException.ThrowIfNull(source);
        if (Contains(snapshot.Id))
        {
            return 0;
        }

        var time = Time(snapshot.Time);
        long count = 0;
        using var transaction = _connection.BeginTransaction();
        using var upsert = _connection.CreateCommand();
        upsert.Transaction = transaction;
        upsert.CommandText = """
            INSERT INTO items (id, device, kind, date, title, sender, text, first_snapshot, first_time, last_snapshot, last_time)
            VALUES ($id, $device, $kind, $date, $title, $sender, $text, $snapshot, $time, $snapshot, $time)
            ON CONFLICT (device, id) DO UPDATE SET
                title = CASE WHEN excluded.last_time >= items.last_time THEN excluded.title ELSE items.title END,
                sender = CASE WHEN excluded.last_time >= items.last_time THEN excluded.sender ELSE items.sender END,
                text = CASE WHEN excluded.last_time >= items.last_time THEN excluded.text ELSE items.text END,
                date = CASE WHEN excluded.last_time >= items.last_time THEN excluded.date ELSE items.date END,
                first_snapshot = CASE WHEN excluded.first_time < items.first_time THEN excluded.first_snapshot ELSE items.first_snapshot END,
                first_time = MIN(excluded.first_time, items.first_time),
                last_snapshot = CASE WHEN excluded.last_time >= items.last_time THEN excluded.last_snapshot ELSE items.last_snapshot END,
                last_time = MAX(excluded.last_time, items.last_time)
            """;
        var p = new Dictionary<string, SqliteParameter>(StringComparer.Ordinal);
        foreach (var name in new[] { "$id", "$device", "$kind", "$date", "$title", "$sender", "$text", "$snapshot", "$time" })
        {
            p[name] = upsert.Parameters.Add(name, SqliteType.Text);
        }

        p["$device"].Value = snapshot.Device;
        p["$snapshot"].Value = snapshot.Id;
        p["$time"].Value = time;
        upsert.Prepare();
        foreach (var kind in IndexedKinds)
        {
            using var reader = await DataItemReader.OpenAsync(source, kind, cancellationToken).ConfigureAwait(false);
            if (reader is null)
            {
                continue;
            }

            var kindName = Name(kind);
            foreach (var item in reader.ReadItems(cancellationToken))
            {
                p["$id"].Value = item.Id;
                p["$kind"].Value = kindName;
                p["$date"].Value = item.Date is { } d ? Time(d) : DBNull.Value;
                p["$title"].Value = item.Title;
                p["$sender"].Value = (object?)item.Sender ?? DBNull.Value;
                p["$text"].Value = item.Text;
                upsert.ExecuteNonQuery();
                count++;
            }
        }

        using (var record = _connection.CreateCommand())
        {
            record.Transaction = transaction;
            record.CommandText = "INSERT INTO snapshots (id, time, device, items) VALUES ($id, $time, $device, $items)";
            record.Parameters.AddWithValue("$id", snapshot.Id);
            record.Parameters.AddWithValue("$time", time);
            record.Parameters.AddWithValue("$device", snapshot.Device);
            record.Parameters.AddWithValue("$items", count);
            record.ExecuteNonQuery();
        }

        transaction.Commit();
        return count;
    }

    /// <summary>
    /// Ranked hits (bm25, best first) for <paramref name="query"/>: every word must occur (diacritics and case
    /// ignored); queries in CJK scripts, or whose words are not found whole, are matched as substrings (trigram
    /// index; a scan for words shorter than three characters, emoji and symbols).
    /// </summary>
    public IReadOnlyList<SearchHit> Search(SearchQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        var words = query.Text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (words.Length == 0)
        {
            return [];
        }

        var substring = words.Any(HasCjk);
        var hits = substring ? [] : Run("items_fts", string.Join(' ', words.Select(Phrase)), 2, query, cancellationToken);
        if (hits.Count == 0 && words.All(w => w.EnumerateRunes().Count() >= 3))
        {
            hits = Run("items_trigram", string.Join(' ', words.Select(Phrase)), 1, query, cancellationToken);
        }

        if (hits.Count == 0)
        {
            // Two-character CJK words, emoji and other symbols that neither tokenizer indexes: a scan.
            hits = Like(words, query, cancellationToken);
        }

        return hits;
    }

    /// <summary>The item with this id (of any device when <paramref name="device"/> is null), or null.</summary>
    public SearchHit? Find(string id, string? device = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(id);
        using var command = _connection.CreateCommand();
        command.CommandText = $"SELECT {Columns}, 0, i.text FROM items i WHERE i.id = $id AND ($device IS NULL OR i.device = $device) ORDER BY i.last_time DESC LIMIT 1";
        command.Parameters.AddWithValue("$id", id);
        command.Parameters.AddWithValue("$device", (object?)device ?? DBNull.Value);
        return Read(command, CancellationToken.None).FirstOrDefault();
    }

    /// <summary>
    /// The items around <paramref name="hit"/> in its conversation (messages) or kind (others), by date:
    /// up to <paramref name="count"/> before and after it, and the hit itself, in date order.
    /// </summary>
    public IReadOnlyList<SearchHit> Context(SearchHit hit, int count = 5)
    {
        ArgumentNullException.ThrowIfNull(hit);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        var sameGroup = hit.Kind == DataKind.Messages ? "i.title = $title" : "1";
        using var command = _connection.CreateCommand();
        command.CommandText = $"""
            SELECT * FROM (SELECT {Columns}, 0, i.text FROM items i WHERE i.device = $device AND i.kind = $kind AND {sameGroup}
                AND (COALESCE(i.date, '') < $date OR (COALESCE(i.date, '') = $date AND i.id < $id)) ORDER BY i.date DESC, i.id DESC LIMIT $count)
            UNION ALL SELECT {Columns}, 0, i.text FROM items i WHERE i.device = $device AND i.id = $id
            UNION ALL SELECT * FROM (SELECT {Columns}, 0, i.text FROM items i WHERE i.device = $device AND i.kind = $kind AND {sameGroup}
                AND (COALESCE(i.date, '') > $date OR (COALESCE(i.date, '') = $date AND i.id > $id)) ORDER BY i.date, i.id LIMIT $count)
            """;
        command.Parameters.AddWithValue("$device", hit.Device);
        command.Parameters.AddWithValue("$kind", Name(hit.Kind));
        command.Parameters.AddWithValue("$title", hit.Title);
        command.Parameters.AddWithValue("$date", hit.Date is { } d ? Time(d) : string.Empty);
        command.Parameters.AddWithValue("$id", hit.Id);
        command.Parameters.AddWithValue("$count", count);
        return [.. Read(command, CancellationToken.None).OrderBy(h => h.Date ?? DateTimeOffset.MinValue).ThenBy(h => h.Id, StringComparer.Ordinal)];
    }

    public void Dispose() => _connection.Dispose();

    private const string Columns = "i.id, i.device, i.kind, i.date, i.title, i.sender, i.first_snapshot, i.last_snapshot, i.last_time";

    private List<SearchHit> Run(string table, string match, int snippetColumn, SearchQuery query, CancellationToken cancellationToken)
    {
        using var command = _connection.CreateCommand();
        command.CommandText = $"""
            SELECT {Columns}, bm25({table}), snippet({table}, {snippetColumn}, '[', ']', '…', 16)
            FROM {table} JOIN items i ON i.rowid = {table}.rowid
            WHERE {table} MATCH $match {Filters(query)}
            ORDER BY bm25({table}) LIMIT $limit
            """;
        command.Parameters.AddWithValue("$match", match);
        AddFilters(command, query);
        return Read(command, cancellationToken);
    }

    private List<SearchHit> Like(string[] words, SearchQuery query, CancellationToken cancellationToken)
    {
        using var command = _connection.CreateCommand();
        var conditions = new StringBuilder();
        for (var k = 0; k < words.Length; k++)
        {
            conditions.Append(CultureInfo.InvariantCulture, $" AND (instr(i.text, $w{k}) > 0 OR instr(i.title, $w{k}) > 0)");
            command.Parameters.AddWithValue($"$w{k}", words[k]);
        }

        command.CommandText = $"SELECT {Columns}, 0, i.text FROM items i WHERE 1 {conditions} {Filters(query)} ORDER BY i.date DESC LIMIT $limit";
        AddFilters(command, query);
        var hits = Read(command, cancellationToken);
        return [.. hits.Select(h => h with { Snippet = Mark(h.Snippet, words) })];
    }

    private static string Filters(SearchQuery query) =>
        (query.Kind is null ? string.Empty : " AND i.kind = $kind")
        + (query.From is null ? string.Empty : " AND i.date >= $from")
        + (query.To is null ? string.Empty : " AND i.date < $to")
        + (query.Device is null ? string.Empty : " AND i.device = $device");

    private static void AddFilters(SqliteCommand command, SearchQuery query)
    {
        command.Parameters.AddWithValue("$limit", query.Limit);
        if (query.Kind is { } kind)
        {
            command.Parameters.AddWithValue("$kind", Name(kind));
        }

        if (query.From is { } from)
        {
            command.Parameters.AddWithValue("$from", Time(from));
        }

        if (query.To is { } to)
        {
            command.Parameters.AddWithValue("$to", Time(to));
        }

        if (query.Device is { } device)
        {
            command.Parameters.AddWithValue("$device", device);
        }
    }

    private List<SearchHit> Read(SqliteCommand command, CancellationToken cancellationToken)
    {
        var hits = new List<SearchHit>();
        using (var reader = command.ExecuteReader())
        {
            while (reader.Read())
            {
                cancellationToken.ThrowIfCancellationRequested();
                hits.Add(new SearchHit(
                    reader.GetString(0),
                    reader.GetString(1),
                    Enum.Parse<DataKind>(reader.GetString(2), ignoreCase: true),
                    reader.IsDBNull(3) ? null : DateTimeOffset.Parse(reader.GetString(3), CultureInfo.InvariantCulture),
                    reader.GetString(4),
                    reader.IsDBNull(5) ? null : reader.GetString(5),
                    reader.IsDBNull(10) ? string.Empty : reader.GetString(10),
                    reader.GetString(6),
                    reader.GetString(7))
                {
                    Rank = reader.IsDBNull(9) ? 0 : reader.GetDouble(9),
                });
            }
        }

        // "Deleted since": the device's first indexed snapshot after the last one that held the item.
        if (hits.Count > 0)
        {
            using var next = _connection.CreateCommand();
            next.CommandText = "SELECT id FROM snapshots WHERE device = $device AND time > (SELECT time FROM snapshots WHERE id = $last) ORDER BY time, id LIMIT 1";
            var device = next.Parameters.Add("$device", SqliteType.Text);
            var last = next.Parameters.Add("$last", SqliteType.Text);
            for (var k = 0; k < hits.Count; k++)
            {
                device.Value = hits[k].Device;
                last.Value = hits[k].LastSnapshot;
                if (next.ExecuteScalar() is string since)
                {
                    hits[k] = hits[k] with { DeletedSince = since };
                }
            }
        }

        return hits;
    }

    private static string Mark(string text, string[] words)
    {
        var first = words.Select(w => text.IndexOf(w, StringComparison.Ordinal)).Where(i => i >= 0).DefaultIfEmpty(0).Min();
        var start = Math.Max(0, first - 40);
        var excerpt = (start > 0 ? "…" : string.Empty) + text[start..Math.Min(text.Length, start + 120)] + (start + 120 < text.Length ? "…" : string.Empty);
        foreach (var word in words)
        {
            excerpt = excerpt.Replace(word, "[" + word + "]", StringComparison.Ordinal);
        }

        return excerpt;
    }

    private static string Phrase(string word) => "\"" + word.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    private static bool HasCjk(string word)
    {
        foreach (var rune in word.EnumerateRunes())
        {
            var v = rune.Value;
            if (v is (>= 0x3040 and <= 0x30FF) or (>= 0x3400 and <= 0x4DBF) or (>= 0x4E00 and <= 0x9FFF) or (>= 0xAC00 and <= 0xD7AF) or (>= 0xF900 and <= 0xFAFF) or (>= 0x20000 and <= 0x2FFFF))
            {
                return true;
            }
        }

        return false;
    }

    internal static string Name(DataKind kind) => kind.ToString().ToLowerInvariant();

    private static string Time(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture);

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
