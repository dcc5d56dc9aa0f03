using System.Text;
using Keepsake.Primitives;
using Microsoft.Data.Sqlite;

namespace Keepsake.BackupFormat.Sqlite;

/// <summary>
/// The one way Keepsake opens a SQLite database it only reads, so that reading never writes.
/// A file is opened in place as immutable (<c>file:…?mode=ro&amp;immutable=1</c>): SQLite then creates
/// no <c>-wal</c>/<c>-shm</c> beside it, takes no lock, and works in a folder the user cannot write.
/// Immutable ignores a write-ahead log, so a database whose <c>-wal</c> sibling holds frames is copied
/// first, with that log, into an owner-only folder of <see cref="RunTemp"/>, and the copy is opened
/// (SQLite replays the log there). Databases taken out of a backup are always copied (they may be
/// encrypted, or live in a vault), together with their <c>-wal</c>; a stale <c>-shm</c> is never
/// copied (SQLite rebuilds it). Dispose deletes any copy. See docs/design/backup-format.md, "Reading databases".
/// </summary>
public sealed class ReadOnlyDatabase : IDisposable
{
    private const string Wal = "-wal";
    private readonly string? _copyFolder;
    private bool _disposed;

    private ReadOnlyDatabase(string filePath, string? copyFolder, bool immutable)
    {
        FilePath = filePath;
        _copyFolder = copyFolder;
        IsImmutable = immutable;
        SqliteFileName = immutable ? "file:" + EscapeUriPath(filePath) + "?mode=ro&immutable=1" : filePath;
        ConnectionString = new SqliteConnectionStringBuilder
        {
            DataSource = SqliteFileName,
            Mode = immutable ? SqliteOpenMode.ReadOnly : SqliteOpenMode.ReadWrite,
            Pooling = false,
        }.ToString();
    }

    /// <summary>The file SQLite opens: the original, or the private copy.</summary>
    public string FilePath { get; }

    /// <summary>Whether the file is opened immutable (in place, or a copy without a log).</summary>
    public bool IsImmutable { get; }

    /// <summary>Whether <see cref="FilePath"/> is a private copy deleted on dispose.</summary>
    public bool IsCopy => _copyFolder is not null;

    /// <summary>The name to give <c>sqlite3_open_v2</c> (a URI when immutable: pass SQLITE_OPEN_URI).</summary>
    public string SqliteFileName { get; }

    /// <summary>A connection string (no pooling) for <see cref="FilePath"/>.</summary>
    public string ConnectionString { get; }

    /// <summary>
    /// Opens the database file at <paramref name="path"/> for reading without writing anything beside it:
    /// immutable in place, or from a private copy when a non-empty <c>-wal</c> sibling holds rows.
    /// </summary>
    /// <exception cref="FileNotFoundException">There is no such file.</exception>
    public static ReadOnlyDatabase Open(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var full = Path.GetFullPath(path);
        if (!File.Exists(full))
        {
            throw new FileNotFoundException($"Database file '{full}' does not exist.", full);
        }

        if (!HasLog(full))
        {
            return new ReadOnlyDatabase(full, null, immutable: true);
        }

        var folder = RunTemp.CreateFolder("db");
        try
        {
            var target = Path.Combine(folder, "db.sqlite");
            CopyFile(full, target);
            CopyFile(full + Wal, target + Wal);
            return new ReadOnlyDatabase(target, folder, immutable: false);
        }
        catch
        {
            DeleteFolder(folder);
            throw;
        }
    }

    /// <summary>
    /// Copies <paramref name="entry"/> (decrypted, streamed) and its <c>-wal</c> sibling, if the backup has
    /// one, out of <paramref name="source"/> into a private folder, and opens the copy.
    /// </summary>
    /// <exception cref="BackupFormatException">The content is missing or cannot be decrypted.</exception>
    public static async Task<ReadOnlyDatabase> CopyFromBackupAsync(IBackupFileSource source, BackupEntry entry, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(entry);
        var folder = RunTemp.CreateFolder("db");
        try
        {
            var target = Path.Combine(folder, "db.sqlite");
            await OwnerOnlyCopy.CopyEntryAsync(source, entry, target, cancellationToken).ConfigureAwait(false);
            if (source.FindEntry(entry.Domain, entry.RelativePath + Wal) is { Kind: BackupEntryKind.File } log)
            {
                await OwnerOnlyCopy.CopyEntryAsync(source, log, target + Wal, cancellationToken).ConfigureAwait(false);
            }

            return new ReadOnlyDatabase(target, folder, immutable: !HasLog(target));
        }
        catch
        {
            DeleteFolder(folder);
            throw;
        }
    }

    /// <summary>Opens a database already copied into a private temporary file that the caller owns and deletes.</summary>
    public static ReadOnlyDatabase OpenPrivateCopy(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        return new ReadOnlyDatabase(Path.GetFullPath(path), null, immutable: true);
    }

    /// <summary>Deletes the private copy, if any. Connections opened on it must be closed first.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        if (_copyFolder is not null)
        {
            SqliteConnection.ClearAllPools();
            DeleteFolder(_copyFolder);
        }
    }

    /// <summary>A file path as the path part of an SQLite URI: '%', '?' and '#' are percent-escaped.</summary>
    internal static string EscapeUriPath(string path)
    {
        var normal = path.Replace('\\', '/');
        var builder = new StringBuilder(normal.Length + 8);
        if (!normal.StartsWith('/'))
        {
            builder.Append("///");
        }

        foreach (var c in normal)
        {
            _ = c switch
            {
                '%' => builder.Append("%25"),
                '?' => builder.Append("%3f"),
                '#' => builder.Append("%23"),
                _ => builder.Append(c),
            };
        }

        return builder.ToString();
    }

    private static bool HasLog(string path)
    {
        var log = new FileInfo(path + Wal);
        return log.Exists && log.Length > 0;
    }

    private static void CopyFile(string from, string to)
    {
        using var input = new FileStream(from, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var output = OwnerOnlyFile.Create(to);
        input.CopyTo(output, 1 << 20);
    }

    private static void DeleteFolder(string path)
    {
        try
        {
            Directory.Delete(path, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }
    }
}
