using Keepsake.BackupFormat;
using Microsoft.Data.Sqlite;

namespace Keepsake.Export.Databases;

/// <summary>
/// A SQLite database opened for reading, either a loose file or a copy taken out of a backup.
/// Copies go to a private temporary folder (owner-only permissions) together with their -wal and
/// -shm siblings, and are deleted on <see cref="Dispose"/>. A loose file is opened read-only in
/// place, unless it has a -wal sibling: then it is copied too, because replaying a WAL writes the
/// -shm file and the caller's files must not change.
/// </summary>
public sealed class DatabaseFile : IDisposable
{
    private static readonly string[] Sidecars = ["-wal", "-shm"];
    private readonly string? _tempFolder;
    private DatabaseSchema? _schema;
    private bool _disposed;

    private DatabaseFile(string path, string description, string? tempFolder)
    {
        _tempFolder = tempFolder;
        Description = description;
        try
        {
            var builder = new SqliteConnectionStringBuilder
            {
                DataSource = path,
                Mode = tempFolder is null ? SqliteOpenMode.ReadOnly : SqliteOpenMode.ReadWrite,
                Pooling = false,
            };
            Connection = new SqliteConnection(builder.ToString());
            Connection.Open();
            using var probe = Connection.CreateCommand();
            probe.CommandText = "SELECT COUNT(*) FROM sqlite_master";
            probe.ExecuteScalar();
        }
        catch (SqliteException ex)
        {
            Connection?.Dispose();
            DeleteTemp();
            throw new ExportException($"not a readable SQLite database ({ex.Message})", description, ex);
        }
    }

    /// <summary>The open connection. Readers only: exporters never write to it.</summary>
    public SqliteConnection Connection { get; }

    /// <summary>Where the database came from (a path, or a backup domain and path), for messages.</summary>
    public string Description { get; }

    /// <summary>Tables and their columns, read once with <c>PRAGMA table_info</c>.</summary>
    public DatabaseSchema Schema => _schema ??= DatabaseSchema.Read(Connection);

    /// <summary>Opens a database file given by path.</summary>
    /// <exception cref="FileNotFoundException">There is no such file.</exception>
    /// <exception cref="ExportException">The file is not a SQLite database.</exception>
    public static DatabaseFile OpenPath(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var full = Path.GetFullPath(path);
        if (!File.Exists(full))
        {
            throw new FileNotFoundException($"Database file '{full}' does not exist.", full);
        }

        if (!File.Exists(full + "-wal"))
        {
            return new DatabaseFile(full, full, null);
        }

        var temp = CreatePrivateFolder();
        try
        {
            var target = Path.Combine(temp, "db.sqlite");
            File.Copy(full, target);
            foreach (var suffix in Sidecars)
            {
                if (File.Exists(full + suffix))
                {
                    File.Copy(full + suffix, target + suffix);
                }
            }

            return new DatabaseFile(target, full, temp);
        }
        catch
        {
            DeleteFolder(temp);
            throw;
        }
    }

    /// <summary>
    /// Copies <paramref name="domain"/>/<paramref name="relativePath"/> and its -wal/-shm siblings out
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

        var temp = CreatePrivateFolder();
        try
        {
            var target = Path.Combine(temp, "db.sqlite");
            await CopyEntryAsync(source, entry, target, cancellationToken).ConfigureAwait(false);
            foreach (var suffix in Sidecars)
            {
                var sidecar = source.FindEntry(domain, relativePath + suffix);
                if (sidecar is { Kind: BackupEntryKind.File })
                {
                    await CopyEntryAsync(source, sidecar, target + suffix, cancellationToken).ConfigureAwait(false);
                }
            }

            return new DatabaseFile(target, $"{domain}/{relativePath}", temp);
        }
        catch (BackupFormatException ex) when (ex.Error == BackupFormatError.MissingBlob)
        {
            DeleteFolder(temp);
            throw new ExportException("is listed in the backup but its content is missing", $"{domain}/{relativePath}", ex);
        }
        catch
        {
            DeleteFolder(temp);
            throw;
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
        DeleteTemp();
    }

    internal static async Task CopyEntryAsync(IBackupFileSource source, BackupEntry entry, string target, CancellationToken cancellationToken)
    {
        var input = source.OpenRead(entry);
        await using (input.ConfigureAwait(false))
        {
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows())
            {
                options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            }

            var output = new FileStream(target, options);
            await using (output.ConfigureAwait(false))
            {
                await input.CopyToAsync(output, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private static string CreatePrivateFolder()
    {
        var path = Path.Combine(Path.GetTempPath(), $"keepsake-export-{Guid.NewGuid():N}");
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(path);
        }
        else
        {
            Directory.CreateDirectory(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        return path;
    }

    private static void DeleteFolder(string path)
    {
        try
        {
            Directory.Delete(path, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    private void DeleteTemp()
    {
        if (_tempFolder is not null)
        {
            SqliteConnection.ClearAllPools();
            DeleteFolder(_tempFolder);
        }
    }
}
