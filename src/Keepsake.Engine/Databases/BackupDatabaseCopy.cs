using Keepsake.BackupFormat;
using Keepsake.BackupFormat.Sqlite;
using Microsoft.Data.Sqlite;

namespace Keepsake.Engine.Databases;

/// <summary>
/// A database from a backup, copied (decrypted, streamed) with its -wal sibling into an owner-only
/// temporary folder by <see cref="ReadOnlyDatabase"/>, so that SQLite can query it. The copy is deleted on dispose.
/// </summary>
internal sealed class BackupDatabaseCopy : IDisposable
{
    private readonly ReadOnlyDatabase _database;

    private BackupDatabaseCopy(ReadOnlyDatabase database, SqliteConnection connection)
    {
        _database = database;
        Connection = connection;
    }

    public string Path => _database.FilePath;

    public SqliteConnection Connection { get; }

    /// <exception cref="SqliteException">The content is not a database SQLite can open.</exception>
    public static BackupDatabaseCopy Open(IBackupFileSource source, BackupEntry entry)
    {
        var database = ReadOnlyDatabase.CopyFromBackupAsync(source, entry).GetAwaiter().GetResult();
        var connection = new SqliteConnection(database.ConnectionString);
        try
        {
            connection.Open();
        }
        catch
        {
            connection.Dispose();
            database.Dispose();
            throw;
        }

        return new BackupDatabaseCopy(database, connection);
    }

    /// <summary>Whether the database has a table of that name.</summary>
    public bool HasTable(string table)
    {
        using var exists = Connection.CreateCommand();
        exists.CommandText = "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = $name";
        exists.Parameters.AddWithValue("$name", table);
        return (long)exists.ExecuteScalar()! > 0;
    }

    /// <summary>The number of rows of a table that exists (check with <see cref="HasTable"/>).</summary>
    public long CountRows(string table)
    {
        using var count = Connection.CreateCommand();
        count.CommandText = $"SELECT count(*) FROM \"{table.Replace("\"", "\"\"", StringComparison.Ordinal)}\"";
        return (long)count.ExecuteScalar()!;
    }

    public void Dispose()
    {
        Connection.Dispose();
        _database.Dispose();
    }
}
