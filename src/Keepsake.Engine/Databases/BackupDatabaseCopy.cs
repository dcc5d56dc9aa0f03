using Keepsake.BackupFormat;
using Microsoft.Data.Sqlite;

namespace Keepsake.Engine.Databases;

/// <summary>
/// A database from a backup, copied (decrypted, streamed) into an owner-only temporary file and
/// opened read-only, so that SQLite can query it. The file is deleted on dispose.
/// </summary>
internal sealed class BackupDatabaseCopy : IDisposable
{
    private BackupDatabaseCopy(string path, SqliteConnection connection)
    {
        Path = path;
        Connection = connection;
    }

    public string Path { get; }

    public SqliteConnection Connection { get; }

    /// <exception cref="SqliteException">The content is not a database SQLite can open.</exception>
    public static BackupDatabaseCopy Open(IBackupFileSource source, BackupEntry entry)
    {
        var temp = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"keepsake-db-{Guid.NewGuid():N}.db");
        try
        {
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows())
            {
                options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            }

            using (var output = new FileStream(temp, options))
            using (var input = source.OpenRead(entry))
            {
                input.CopyTo(output);
            }

            var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = temp, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
            try
            {
                connection.Open();
            }
            catch
            {
                connection.Dispose();
                throw;
            }

            return new BackupDatabaseCopy(temp, connection);
        }
        catch
        {
            TryDelete(temp);
            throw;
        }
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
        SqliteConnection.ClearAllPools();
        TryDelete(Path);
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
