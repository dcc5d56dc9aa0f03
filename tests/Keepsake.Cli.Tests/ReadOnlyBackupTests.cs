using System.Security.Cryptography;
using Keepsake.TestKit;

namespace Keepsake.Cli.Tests;

/// <summary>
/// Reading never writes: every read command, run by the real keepsake process as an unprivileged user on
/// a backup folder that user cannot write, succeeds and leaves every byte and file name as it was. The
/// databases are in WAL mode with no -wal beside them (as iOS leaves them in a backup), the case in which
/// SQLite, opened normally, creates -wal/-shm files or fails with "attempt to write a readonly database".
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class ReadOnlyBackupTests
{
    private const string Backup = "mvt-ios-backup";

    // Real databases from other public devices, put into the copy at the backup paths mvt's backup lists
    // (whose own blobs were stripped), so that each exporter has a database to read.
    private static readonly (string Fixture, string Domain, string RelativePath)[] AddedDatabases =
    [
        ("ileapp-public-images/addressbook-hickman-ios15.3.1/AddressBook.sqlitedb", "HomeDomain", "Library/AddressBook/AddressBook.sqlitedb"),
        ("ileapp-public-images/notes-hickman-ios17.3/NoteStore.sqlite", "AppDomainGroup-group.com.apple.notes", "NoteStore.sqlite"),
        ("ileapp-public-images/voicemail-hickman-ios15.3.1/voicemail.db", "HomeDomain", "Library/Voicemail/voicemail.db"),
    ];

    [UnprivilegedUserFact(Backup, "ileapp-public-images", "magnet-ctf2020-smsdb")]
    public void ReadCommands_BackupFolderNotWritable_SucceedAndChangeNothing()
    {
        Assert.Null(UnprivilegedUserFactAttribute.MissingPrerequisite());
        Assert.NotNull(ExternalTool.Find("sqlite3"));
        using var run = new UnprivilegedRun();
        var backups = Path.Combine(run.Root, "backups");
        var backup = PrepareBackup(Path.Combine(backups, "mvt"));
        var loose = Path.Combine(run.Root, "loose");
        Directory.CreateDirectory(loose);
        foreach (var suffix in new[] { string.Empty, "-wal", "-shm" })
        {
            // A loose database whose rows are in its -wal: it must be read from a copy, and its files left alone.
            File.Copy(Fixtures.Path("magnet-ctf2020-smsdb", "sms.db" + suffix), Path.Combine(loose, "sms.db" + suffix));
        }

        UnprivilegedRun.MakeReadOnlyForAll(backups);
        UnprivilegedRun.MakeReadOnlyForAll(loose);
        var before = Contents(run.Root, backups, loose);

        var failures = new List<string>();
        void Expect(int[] allowed, params string[] arguments)
        {
            var result = run.Keepsake(arguments);
            if (!allowed.Contains(result.ExitCode) || result.StandardError.Contains("readonly", StringComparison.OrdinalIgnoreCase))
            {
                failures.Add($"keepsake {string.Join(' ', arguments)} exited {result.ExitCode}: {result.StandardError.Trim()}");
            }
        }

        Expect([0], "info", backup);
        Expect([0], "ls", backup);
        Expect([0], "storage", backup);
        Expect([0], "backups", backups);
        Expect([0, 3], "extract", backup, Path.Combine(run.Output, "extract")); // 3: the absolute device links are not made
        foreach (var kind in new[] { "messages", "contacts", "notes", "voicemail", "calendar", "whatsapp" })
        {
            Expect([0], "export", kind, backup, Path.Combine(run.Output, kind));
        }

        foreach (var kind in new[] { "calls", "safari" })
        {
            // The fixture lists these databases but holds no content for them: a clear "content is missing" (5), nothing else.
            Expect([5], "export", kind, backup, Path.Combine(run.Output, kind));
        }

        // Without a readable Photos.sqlite, photos come from the camera-roll files themselves (or "no photos", 7).
        Expect([0, 7], "export", "photos", backup, Path.Combine(run.Output, "photos"));

        var looseExport = run.Keepsake("export", "messages", Path.Combine(loose, "sms.db"), Path.Combine(run.Output, "loose"), "--format", "txt");
        Assert.True(looseExport.ExitCode == 0, looseExport.StandardError);
        Assert.Contains("105 messages", looseExport.StandardOutput, StringComparison.Ordinal);

        Assert.Empty(failures);
        Assert.Equal(before, Contents(run.Root, backups, loose));
    }

    private static string PrepareBackup(string target)
    {
        using var scratch = new TempDirectory();
        var backup = scratch.CopyFrom(Fixtures.Path(Backup), "backup");
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        foreach (var (fixture, domain, relativePath) in AddedDatabases)
        {
            var fileId = Sqlite(Path.Combine(backup, "Manifest.db"), $"SELECT fileID FROM Files WHERE domain = '{domain}' AND relativePath = '{relativePath}'").Trim();
            Assert.Matches("^[0-9a-f]{40}$", fileId);
            var blob = Path.Combine(backup, fileId[..2], fileId);
            Directory.CreateDirectory(Path.GetDirectoryName(blob)!);
            var copied = Fixtures.CopySqlite(fixture, scratch);
            Sqlite(copied, "PRAGMA wal_checkpoint(TRUNCATE)"); // fold the fixture's -wal into the file, as iOS does before a backup
            File.Copy(copied, blob, overwrite: true);
        }

        // WAL mode, with no -wal left beside the file: the state of Manifest.db and the app databases in an iOS backup.
        foreach (var database in Directory.EnumerateFiles(backup, "*", SearchOption.AllDirectories).Where(IsSqlite))
        {
            Assert.Equal("wal", Sqlite(database, "PRAGMA journal_mode=WAL").Trim());
            Assert.False(File.Exists(database + "-wal"), database);
        }

        foreach (var leftover in Directory.EnumerateFiles(backup, "*-shm", SearchOption.AllDirectories))
        {
            File.Delete(leftover);
        }

        Directory.Move(backup, target);
        return target;
    }

    private static bool IsSqlite(string path)
    {
        Span<byte> header = stackalloc byte[16];
        using var stream = File.OpenRead(path);
        return stream.ReadAtLeast(header, 16, throwOnEndOfStream: false) == 16 && header.SequenceEqual("SQLite format 3\0"u8);
    }

    private static string Sqlite(string database, string sql) =>
        ExternalTool.Run("sqlite3", [database, sql]).EnsureSuccess("sqlite3 " + sql).StandardOutput;

    /// <summary>Every file under the folders, relative to <paramref name="root"/>, with its SHA-256.</summary>
    private static SortedDictionary<string, string> Contents(string root, params string[] folders)
    {
        var contents = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var folder in folders)
        {
            foreach (var entry in Directory.EnumerateFileSystemEntries(folder, "*", SearchOption.AllDirectories))
            {
                contents[Path.GetRelativePath(root, entry)] = File.Exists(entry) ? Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(entry))) : "folder";
            }
        }

        return contents;
    }
}
