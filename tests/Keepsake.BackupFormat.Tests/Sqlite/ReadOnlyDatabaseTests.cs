using System.Security.Cryptography;
using Keepsake.BackupFormat.Sqlite;
using Keepsake.TestKit;
using Microsoft.Data.Sqlite;

namespace Keepsake.BackupFormat.Tests.Sqlite;

public sealed class ReadOnlyDatabaseTests
{
    private const string AddressBook = "ileapp-public-images/addressbook-hickman-ios15.3.1/AddressBook.sqlitedb";

    [ToolFact("sqlite3")]
    public void Open_WalModeWithoutLog_ReadsInPlaceAndCreatesNothing()
    {
        using var dir = new TempDirectory();
        var path = dir.Combine("Manifest.db");
        ExternalTool.Run("sqlite3", [path, "PRAGMA journal_mode=WAL; CREATE TABLE t(x); INSERT INTO t VALUES (1), (2), (3);"]).EnsureSuccess("sqlite3");
        Assert.False(File.Exists(path + "-wal"));
        var before = Snapshot(dir.Path);

        using (var database = ReadOnlyDatabase.Open(path))
        using (var connection = new SqliteConnection(database.ConnectionString))
        {
            Assert.True(database.IsImmutable);
            Assert.False(database.IsCopy);
            connection.Open();
            using var count = connection.CreateCommand();
            count.CommandText = "SELECT count(*) FROM t";
            Assert.Equal(3L, count.ExecuteScalar());
        }

        Assert.Equal(before, Snapshot(dir.Path));
    }

    [FixtureFact(AddressBook)]
    public void Open_RowsInLog_ReadsThemFromAPrivateCopyAndLeavesTheFilesAlone()
    {
        using var dir = new TempDirectory();
        var path = Fixtures.CopySqlite(AddressBook, dir);
        var before = Snapshot(dir.Path);
        string copyFolder;

        using (var database = ReadOnlyDatabase.Open(path))
        using (var connection = new SqliteConnection(database.ConnectionString))
        {
            Assert.True(database.IsCopy);
            copyFolder = Path.GetDirectoryName(database.FilePath)!;
            if (!OperatingSystem.IsWindows())
            {
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(copyFolder));
            }

            connection.Open();
            using var count = connection.CreateCommand();
            count.CommandText = "SELECT count(*) FROM ClientSequence";

            // 138 rows are in the database file itself; the 16 others only in its -wal.
            Assert.Equal(154L, count.ExecuteScalar());
        }

        Assert.False(Directory.Exists(copyFolder));
        Assert.Equal(before, Snapshot(dir.Path));
    }

    [Theory]
    [InlineData("/a/b.db", "/a/b.db")]
    [InlineData("/a?b#c%d.db", "/a%3fb%23c%25d.db")]
    public void EscapeUriPath_SpecialCharacters_AreEscaped(string path, string expected) =>
        Assert.Equal(expected, ReadOnlyDatabase.EscapeUriPath(path));

    private static SortedDictionary<string, string> Snapshot(string folder) =>
        new(Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories)
            .ToDictionary(f => Path.GetRelativePath(folder, f), f => Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(f)))), StringComparer.Ordinal);
}
