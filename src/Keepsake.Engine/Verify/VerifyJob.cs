using Keepsake.BackupFormat;
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
        long decrypted = 0;
        var databases = new Dictionary<string, string>(StringComparer.Ordinal);
        if (!properties.IsComplete)
        {
            problems.Add($"the backup is not complete (SnapshotState: {properties.SnapshotState ?? "missing"})");
        }

        using (var source = SnapshotBackupSource.Open(repository, snapshot, properties.IsEncrypted ? backupPassword : null))
        {
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

            foreach (var (domain, path, table) in KeyDatabases)
            {
                var entry = source.FindEntry(domain, path);
                if (entry is null)
                {
                    continue;
                }

                databases[$"{domain}/{path}"] = QueryDatabase(source, entry, table, problems);
            }
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

    private static string QueryDatabase(IBackupFileSource source, BackupEntry entry, string table, List<string> problems)
    {
        var where = $"{entry.Domain}/{entry.RelativePath}";
        var temp = Path.Combine(Path.GetTempPath(), $"keepsake-verify-{Guid.NewGuid():N}.db");
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

            using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = temp, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
            connection.Open();
            using var check = connection.CreateCommand();
            check.CommandText = "PRAGMA quick_check";
            var integrity = check.ExecuteScalar() as string;
            if (integrity != "ok")
            {
                problems.Add($"{where}: SQLite integrity check says '{integrity}'");
            }

            using var exists = connection.CreateCommand();
            exists.CommandText = "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = $name";
            exists.Parameters.AddWithValue("$name", table);
            if ((long)exists.ExecuteScalar()! == 0)
            {
                return $"opened, integrity {integrity}, no {table} table";
            }

            using var count = connection.CreateCommand();
            count.CommandText = $"SELECT count(*) FROM \"{table}\"";
            return $"opened, integrity {integrity}, {(long)count.ExecuteScalar()!} rows in {table}";
        }
        catch (Exception e) when (e is IOException or InvalidDataException or FormatException or SqliteException)
        {
            problems.Add($"{where}: cannot be opened as a database: {e.Message}");
            return "unreadable";
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            File.Delete(temp);
        }
    }
}
