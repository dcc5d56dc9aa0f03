using Keepsake.BackupFormat;
using Keepsake.Engine.Databases;
using Keepsake.Engine.Vault;
using Keepsake.Primitives;
using Keepsake.Repository.Snapshots;
using Keepsake.Repository.Trees;
using Microsoft.Data.Sqlite;

namespace Keepsake.Engine.Verify;

/// <summary>
/// Tests a backup snapshot without touching a phone: every file of the snapshot is read from the
/// vault (each blob's MAC and hash checked), the backup is opened as Apple's format (keybag unlocked
/// and Manifest.db decrypted with the backup password when it is encrypted), every Manifest entry's
/// content is read (and decrypted), and the key databases are opened and queried. Every problem is
/// collected with what it concerns; the job never stops at the first.
/// </summary>
public static class VerifyJob
{
    /// <summary>The databases a restore depends on most: domain, path, and a table whose rows are counted.</summary>
    public static readonly IReadOnlyList<(string Domain, string Path, string Table)> KeyDatabases =
    [
        ("HomeDomain", "Library/SMS/sms.db", "message"),
        ("HomeDomain", "Library/AddressBook/AddressBook.sqlitedb", "ABPerson"),
        ("CameraRollDomain", "Media/PhotoData/Photos.sqlite", "ZASSET"),
        ("HomeDomain", "Library/CallHistoryDB/CallHistory.storedata", "ZCALLRECORD"),
        ("AppDomainGroup-group.com.apple.notes", "NoteStore.sqlite", "ZICNOTEDATA"),
    ];

    public static async Task<VerifyReport> RunAsync(Repository.Repository repository, Snapshot snapshot, Secret? backupPassword, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(repository);
        ArgumentNullException.ThrowIfNull(snapshot);
        var problems = new List<string>();
        long files = 0, bytes = 0;
        var buffer = new byte[1 << 20];

        // 1. Every stored byte of the snapshot, blob by blob.
        await foreach (var entry in repository.EnumerateAsync(snapshot, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            if (entry.Node.Type != NodeType.File)
            {
                continue;
            }

            try
            {
                using var stream = repository.OpenFile(entry.Node);
                int read;
                while ((read = await stream.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
                {
                    bytes += read;
                }

                files++;
            }
            catch (Exception e) when (e is IOException or InvalidDataException or FormatException)
            {
                problems.Add($"{entry.Path}: {e.Message}");
            }
        }

        // 2. The Apple backup inside: keybag, Manifest, every entry's content, the key databases.
        var properties = SnapshotBackupSource.ReadProperties(repository, snapshot);
        if (!properties.IsComplete)
        {
            problems.Add($"the backup is not complete (SnapshotState: {properties.SnapshotState ?? "missing"})");
        }

        long decrypted;
        IReadOnlyDictionary<string, string> databases;
        using (var source = SnapshotBackupSource.Open(repository, snapshot, properties.IsEncrypted ? backupPassword : null))
        {
            (decrypted, databases) = CheckContents(source, problems, cancellationToken);
        }

        return new VerifyReport
        {
            FilesRead = files,
            BytesRead = bytes,
            EntriesDecrypted = decrypted,
            Encrypted = properties.IsEncrypted,
            Databases = databases,
            Problems = problems,
        };
    }

    /// <summary>
    /// The Apple-format half of the check, over any opened backup (a snapshot, or a folder restored
    /// from one): every Manifest entry's content read (and decrypted), the key databases opened and
    /// queried. Problems are added to <paramref name="problems"/>; returns the entries read and a
    /// one-line result per database.
    /// </summary>
    internal static (long EntriesRead, IReadOnlyDictionary<string, string> Databases) CheckContents(IBackupFileSource source, List<string> problems, CancellationToken cancellationToken)
    {
        var buffer = new byte[1 << 20];
        long decrypted = 0;
        foreach (var entry in source.Entries())
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (entry.Kind != BackupEntryKind.File)
            {
                continue;
            }

            try
            {
                using var stream = source.OpenRead(entry);
                while (stream.Read(buffer) > 0)
                {
                }

                decrypted++;
            }
            catch (Exception e) when (e is IOException or InvalidDataException or FormatException)
            {
                problems.Add($"{entry.Domain}/{entry.RelativePath}: {e.Message}");
            }
        }

        var databases = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (domain, path, table) in KeyDatabases)
        {
            var entry = source.FindEntry(domain, path);
            if (entry is not null)
            {
                databases[$"{domain}/{path}"] = QueryDatabase(source, entry, table, problems);
            }
        }

        return (decrypted, databases);
    }

    private static string QueryDatabase(IBackupFileSource source, BackupEntry entry, string table, List<string> problems)
    {
        var where = $"{entry.Domain}/{entry.RelativePath}";
        try
        {
            using var database = BackupDatabaseCopy.Open(source, entry);
            using var check = database.Connection.CreateCommand();
            check.CommandText = "PRAGMA quick_check";
            var integrity = check.ExecuteScalar() as string;
            if (integrity != "ok")
            {
                problems.Add($"{where}: SQLite integrity check says '{integrity}'");
            }

            return database.HasTable(table)
                ? $"opened, integrity {integrity}, {database.CountRows(table)} rows in {table}"
                : $"opened, integrity {integrity}, no {table} table";
        }
        catch (Exception e) when (e is IOException or InvalidDataException or FormatException or SqliteException)
        {
            problems.Add($"{where}: cannot be opened as a database: {e.Message}");
            return "unreadable";
        }
    }
}
