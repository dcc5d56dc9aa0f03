using System.Buffers.Binary;
using System.Text;
using Keepsake.BackupFormat.Sqlite;
using Microsoft.Data.Sqlite;

namespace Keepsake.BackupFormat.Manifest;

/// <summary>
/// Reads a plaintext Manifest.db (iOS 10+): the <c>Files</c> table, one <see cref="BackupEntry"/> per
/// row, decoded from the MBFile archive in the <c>file</c> column. Rows stream from SQLite (each
/// enumeration opens its own connection). The file is opened through <see cref="ReadOnlyDatabase"/>, so
/// reading it never writes beside it. A row whose record cannot be decoded costs only
/// itself: <see cref="Entries"/> skips it and lists it in <see cref="UnreadableRows"/>; a damaged
/// database (SQLite cannot read on) still ends the enumeration with <see cref="BackupFormatException"/>.
/// See docs/design/backup-format.md, "Manifest.db".
/// </summary>
public sealed class ManifestDbReader : IDisposable
{
    /// <summary>The 16-byte header of every SQLite 3 database.</summary>
    public static ReadOnlySpan<byte> SqliteHeader => "SQLite format 3\0"u8;

    private const string Columns = "fileID, domain, relativePath, flags, file";

    private readonly string _path;
    private readonly string _name;
    private readonly ReadOnlyDatabase _database;
    private readonly string _connectionString;
    private readonly Lock _lookupLock = new();
    private readonly Dictionary<string, BackupFormatException> _unreadable = new(StringComparer.Ordinal);
    private SqliteConnection? _lookup;
    private bool _disposed;

    /// <summary>Opens <paramref name="path"/> read-only, checking that it is a whole SQLite database with a Files table.</summary>
    /// <param name="path">The database file.</param>
    /// <param name="name">What to call it in errors (default "Manifest.db").</param>
    public ManifestDbReader(string path, string name = "Manifest.db")
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        _path = path;
        _name = name;
        CheckHeader(path, name);
        _database = ReadOnlyDatabase.Open(path);
        _connectionString = _database.ConnectionString;
        try
        {
            using var connection = OpenConnection();
            using var command = connection.CreateCommand();
            command.CommandText = "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'Files'";
            if (Convert.ToInt64(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture) != 1)
            {
                throw new BackupFormatException(BackupFormatError.CorruptManifest, name, "the database has no Files table");
            }
        }
        catch (SqliteException e)
        {
            _database.Dispose();
            throw new BackupFormatException(BackupFormatError.CorruptManifest, name, $"the database cannot be read: {e.Message}", e);
        }
        catch
        {
            _database.Dispose();
            throw;
        }
    }

    /// <summary>The database file.</summary>
    public string FilePath => _path;

    /// <summary>The rows <see cref="Entries"/> has skipped so far because they cannot be decoded, once each, each naming its row.</summary>
    public IReadOnlyCollection<BackupFormatException> UnreadableRows
    {
        get
        {
            lock (_unreadable)
            {
                return [.. _unreadable.Values];
            }
        }
    }

    /// <summary>The number of rows in Files.</summary>
    public long Count()
    {
        return Run(connection =>
        {
            using var command = connection.CreateCommand();
            command.CommandText = "SELECT count(*) FROM Files";
            return Convert.ToInt64(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
        });
    }

    /// <summary>Rows ordered by domain then relative path, optionally filtered; streamed.</summary>
    public IEnumerable<BackupEntry> Entries(string? domain = null, string? pathPrefix = null)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var sql = new StringBuilder($"SELECT {Columns} FROM Files");
        var conditions = new List<string>();
        if (domain is not null)
        {
            conditions.Add("domain = $domain");
        }

        if (!string.IsNullOrEmpty(pathPrefix))
        {
            conditions.Add("substr(relativePath, 1, length($prefix)) = $prefix");
        }

        if (conditions.Count > 0)
        {
            sql.Append(" WHERE ").AppendJoin(" AND ", conditions);
        }

        sql.Append(" ORDER BY domain, relativePath");
        return Stream(sql.ToString(), domain, pathPrefix);
    }

    /// <summary>The row for exactly (domain, relativePath), else one canonically equal (NFC vs NFD), else null.</summary>
    public BackupEntry? Find(string domain, string relativePath)
    {
        ArgumentNullException.ThrowIfNull(domain);
        ArgumentNullException.ThrowIfNull(relativePath);
        ObjectDisposedException.ThrowIf(_disposed, this);
        lock (_lookupLock)
        {
            try
            {
                _lookup ??= OpenConnection();
                using (var command = _lookup.CreateCommand())
                {
                    command.CommandText = $"SELECT {Columns} FROM Files WHERE domain = $domain AND relativePath = $path LIMIT 1";
                    command.Parameters.AddWithValue("$domain", domain);
                    command.Parameters.AddWithValue("$path", relativePath);
                    using var reader = command.ExecuteReader();
                    if (reader.Read())
                    {
                        return ReadRow(reader, _name);
                    }
                }

                var wantedDomain = CanonicalDecomposition.Decompose(domain);
                var wantedPath = CanonicalDecomposition.Decompose(relativePath);
                using (var command = _lookup.CreateCommand())
                {
                    command.CommandText = "SELECT fileID, domain, relativePath FROM Files";
                    using var reader = command.ExecuteReader();
                    while (reader.Read())
                    {
                        if (!reader.IsDBNull(1) && !reader.IsDBNull(2)
                            && string.Equals(CanonicalDecomposition.Decompose(reader.GetString(1)), wantedDomain, StringComparison.Ordinal)
                            && string.Equals(CanonicalDecomposition.Decompose(reader.GetString(2)), wantedPath, StringComparison.Ordinal))
                        {
                            var id = reader.GetString(0);
                            reader.Close();
                            using var exact = _lookup.CreateCommand();
                            exact.CommandText = $"SELECT {Columns} FROM Files WHERE fileID = $id";
                            exact.Parameters.AddWithValue("$id", id);
                            using var row = exact.ExecuteReader();
                            return row.Read() ? ReadRow(row, _name) : null;
                        }
                    }
                }

                return null;
            }
            catch (SqliteException e)
            {
                throw new BackupFormatException(BackupFormatError.CorruptManifest, _name, $"the database cannot be read: {e.Message}", e);
            }
        }
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        lock (_lookupLock)
        {
            _lookup?.Dispose();
            _lookup = null;
        }

        _database.Dispose();
    }

    /// <summary>Checks the SQLite header and that the file is as long as the header says.</summary>
    internal static void CheckHeader(string path, string name)
    {
        Span<byte> header = stackalloc byte[100];
        long length;
        using (var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite))
        {
            length = stream.Length;
            if (stream.ReadAtLeast(header, header.Length, throwOnEndOfStream: false) < header.Length || !header[..16].SequenceEqual(SqliteHeader))
            {
                throw new BackupFormatException(BackupFormatError.CorruptManifest, name, "not an SQLite 3 database (bad header; encrypted, truncated or damaged)");
            }
        }

        var pageSize = (long)BinaryPrimitives.ReadUInt16BigEndian(header[16..]);
        if (pageSize == 1)
        {
            pageSize = 65536;
        }

        var changeCounter = BinaryPrimitives.ReadUInt32BigEndian(header[24..]);
        var pageCount = BinaryPrimitives.ReadUInt32BigEndian(header[28..]);
        var validFor = BinaryPrimitives.ReadUInt32BigEndian(header[92..]);
        if (pageSize < 512 || (pageSize & (pageSize - 1)) != 0)
        {
            throw new BackupFormatException(BackupFormatError.CorruptManifest, name, $"invalid SQLite page size {pageSize}");
        }

        if (pageCount > 0 && validFor == changeCounter && length < pageCount * pageSize)
        {
            throw new BackupFormatException(BackupFormatError.CorruptManifest, name, $"the database is truncated: {length} bytes, but its header says {pageCount} pages of {pageSize} bytes");
        }
    }

    private IEnumerable<BackupEntry> Stream(string sql, string? domain, string? prefix)
    {
        using var connection = OpenChecked();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        if (domain is not null)
        {
            command.Parameters.AddWithValue("$domain", domain);
        }

        if (!string.IsNullOrEmpty(prefix))
        {
            command.Parameters.AddWithValue("$prefix", prefix);
        }

        SqliteDataReader reader;
        try
        {
            reader = command.ExecuteReader();
        }
        catch (SqliteException e)
        {
            throw new BackupFormatException(BackupFormatError.CorruptManifest, _name, $"the database cannot be read: {e.Message}", e);
        }

        using (reader)
        {
            while (true)
            {
                BackupEntry? entry;
                try
                {
                    if (!reader.Read())
                    {
                        yield break;
                    }

                    entry = TryReadRow(reader);
                }
                catch (SqliteException e)
                {
                    throw new BackupFormatException(BackupFormatError.CorruptManifest, _name, $"the database cannot be read: {e.Message}", e);
                }

                if (entry is not null)
                {
                    yield return entry;
                }
            }
        }
    }

    /// <summary>The row's entry, or null (recorded in <see cref="UnreadableRows"/>) when its record cannot be decoded.</summary>
    private BackupEntry? TryReadRow(SqliteDataReader reader)
    {
        try
        {
            return ReadRow(reader, _name);
        }
        catch (BackupFormatException e)
        {
            var key = reader.IsDBNull(0) ? e.Message : reader.GetString(0);
            lock (_unreadable)
            {
                _unreadable.TryAdd(key, e);
            }

            return null;
        }
    }

    private static BackupEntry ReadRow(SqliteDataReader reader, string name)
    {
        var fileId = reader.IsDBNull(0) ? string.Empty : reader.GetString(0);
        var domain = reader.IsDBNull(1) ? string.Empty : reader.GetString(1);
        var path = reader.IsDBNull(2) ? string.Empty : reader.GetString(2);
        var flags = reader.IsDBNull(3) ? 0 : reader.GetInt64(3);
        byte[]? file = null;
        if (!reader.IsDBNull(4))
        {
            var value = reader.GetValue(4);
            file = value as byte[]
                ?? throw new BackupFormatException(BackupFormatError.CorruptManifest, $"{domain}/{path}", $"{name} row of file {fileId}: the file column holds {StorageClass(value)}, not an MBFile record");
        }

        return MbFileCodec.Decode(fileId, domain, path, flags, file);
    }

    private static string StorageClass(object value) => value switch
    {
        string => "TEXT",
        long => "INTEGER",
        double => "REAL",
        _ => value.GetType().Name,
    };

    private SqliteConnection OpenConnection()
    {
        var connection = new SqliteConnection(_connectionString);
        connection.Open();
        return connection;
    }

    private SqliteConnection OpenChecked()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        try
        {
            return OpenConnection();
        }
        catch (SqliteException e)
        {
            throw new BackupFormatException(BackupFormatError.CorruptManifest, _name, $"the database cannot be read: {e.Message}", e);
        }
    }

    private T Run<T>(Func<SqliteConnection, T> action)
    {
        using var connection = OpenChecked();
        try
        {
            return action(connection);
        }
        catch (SqliteException e)
        {
            throw new BackupFormatException(BackupFormatError.CorruptManifest, _name, $"the database cannot be read: {e.Message}", e);
        }
    }
}
