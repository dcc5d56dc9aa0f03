using Keepsake.BackupFormat;
using Keepsake.BackupFormat.Sqlite;
using Microsoft.Data.Sqlite;

namespace Keepsake.Export.Databases;

/// <summary>
/// A SQLite database opened for reading, either a loose file or a copy taken out of a backup, through
/// <see cref="ReadOnlyDatabase"/>: a loose file is opened immutable in place (nothing is written beside
/// it) unless its -wal sibling holds rows, and then it is read from a private copy; a database from a
/// backup is copied with its -wal into an owner-only temporary folder. Copies are deleted on <see cref="Dispose"/>.
/// </summary>
public sealed class DatabaseFile : IDisposable
{
    private readonly ReadOnlyDatabase _database;
    private DatabaseSchema? _schema;
    private bool _disposed;

    private DatabaseFile(ReadOnlyDatabase database, string description)
    {
        _database = database;
        Description = description;
        try
        {
            Connection = new SqliteConnection(database.ConnectionString);
            Connection.Open();
            using var probe = Connection.CreateCommand();
            probe.CommandText = "SELECT COUNT(*) FROM sqlite_master";
            probe.ExecuteScalar();
        }
        catch (SqliteException ex)
        {
            Connection?.Dispose();
            database.Dispose();
            throw new ExportException($"not a readable SQLite database ({ex.Message})", description, ex);
        }
    }

    /// <summary>The open connection. Readers only: exporters never write to it.</summary>
    public SqliteConnection Connection { get; }

    /// <summary>Where the database came from (a path, or a backup domain and path), for messages.</summary>
    public string Description { get; }

    /// <summary>The file SQLite reads and how it is opened (for a second connection).</summary>
    internal ReadOnlyDatabase Database => _database;

    /// <summary>Tables and their columns, read once with <c>PRAGMA table_info</c>.</summary>
    public DatabaseSchema Schema => _schema ??= DatabaseSchema.Read(Connection);

    /// <summary>Opens a database file given by path.</summary>
    /// <exception cref="FileNotFoundException">There is no such file.</exception>
    /// <exception cref="ExportException">The file is not a SQLite database.</exception>
    public static DatabaseFile OpenPath(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var database = ReadOnlyDatabase.Open(path);
        return new DatabaseFile(database, Path.GetFullPath(path));
    }

    /// <summary>
    /// Copies <paramref name="domain"/>/<paramref name="relativePath"/> and its -wal sibling out
    /// of a backup and opens the copy. Returns null when the backup has no such file.
    /// </summary>
    public static async Task<DatabaseFile?> OpenFromBackupAsync(IBackupFileSource source, string domain, string relativePath, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentException.ThrowIfNullOrEmpty(domain);
        ArgumentException.ThrowIfNullOrEmpty(relativePath);
        var entry = source.FindEntry(domain, relativePath);
        if (entry is null || entry.Kind != BackupEntryKind.File)
        {
            return null;
        }

        try
        {
            var database = await ReadOnlyDatabase.CopyFromBackupAsync(source, entry, cancellationToken).ConfigureAwait(false);
            return new DatabaseFile(database, $"{domain}/{relativePath}");
        }
        catch (BackupFormatException ex) when (ex.Error == BackupFormatError.MissingBlob)
        {
            throw new ExportException("is listed in the backup but its content is missing", $"{domain}/{relativePath}", ex);
        }
    }

    /// <summary>
    /// Like <see cref="OpenFromBackupAsync"/> for a database that only adds detail (contact names,
    /// photos): null when it is absent, its content is missing, or it is not a readable database.
    /// </summary>
    public static async Task<DatabaseFile?> OpenOptionalFromBackupAsync(IBackupFileSource source, string domain, string relativePath, CancellationToken cancellationToken = default)
    {
        try
        {
            return await OpenFromBackupAsync(source, domain, relativePath, cancellationToken).ConfigureAwait(false);
        }
        catch (ExportException)
        {
            return null;
        }
    }

    /// <summary>Closes the connection and deletes any private copy.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        Connection.Dispose();
        _database.Dispose();
    }

    internal static Task CopyEntryAsync(IBackupFileSource source, BackupEntry entry, string target, CancellationToken cancellationToken) =>
        OwnerOnlyCopy.CopyEntryAsync(source, entry, target, cancellationToken);
}
