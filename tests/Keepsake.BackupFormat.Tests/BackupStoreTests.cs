using Keepsake.Primitives;
using Keepsake.TestKit;

namespace Keepsake.BackupFormat.Tests;

/// <summary>
/// <see cref="BackupFolder"/> over a store that is not a folder on disk (as a vault snapshot is):
/// the same entries and bytes as over the folder itself.
/// </summary>
public sealed class BackupStoreTests
{
    [FixtureFact("mvt-ios-backup")]
    public void Open_StoreWithoutLocalPaths_ReadsSameEntriesAndBytes()
    {
        var folder = Fixtures.Path("mvt-ios-backup");
        using var direct = BackupFolder.Open(folder);
        using var viaStore = BackupFolder.Open(new StreamOnlyStore(folder));
        Assert.Equal(direct.Entries().Select(e => e.FileId), viaStore.Entries().Select(e => e.FileId));
        var sms = viaStore.FindEntry("HomeDomain", "Library/SMS/sms.db")!;
        using var a = direct.OpenRead(sms);
        using var b = viaStore.OpenRead(sms);
        Assert.Equal(ReadAll(a), ReadAll(b));
    }

    [FixtureFact("pyiosbackup-encrypted-mini")]
    public void Open_EncryptedStoreWithoutLocalPaths_Decrypts()
    {
        using var password = Secret.FromString("0000");
        using var backup = BackupFolder.Open(new StreamOnlyStore(Fixtures.Path("pyiosbackup-encrypted-mini", "ios10-sqlite")), password);
        var entry = Assert.Single(backup.Entries(), e => e.RelativePath == "Media/Test.txt");
        using var stream = backup.OpenRead(entry);
        Assert.Equal("Test data", System.Text.Encoding.UTF8.GetString(ReadAll(stream)));
    }

    [Fact]
    public void DirectoryStore_NameWithParentSegment_IsRefused()
    {
        using var dir = new TempDirectory();
        var store = new DirectoryBackupStore(dir.Path);
        Assert.Throws<PathEscapeException>(() => store.OpenRead("../etc/passwd"));
        Assert.Throws<PathEscapeException>(() => store.FileExists("/etc/passwd"));
    }

    private static byte[] ReadAll(Stream stream)
    {
        using var memory = new MemoryStream();
        stream.CopyTo(memory);
        return memory.ToArray();
    }

    /// <summary>A folder seen only through streams, like a snapshot in the vault.</summary>
    private sealed class StreamOnlyStore(string folder) : IBackupStore
    {
        private readonly DirectoryBackupStore _inner = new(folder);

        public string Location => "stream-only:" + folder;

        public bool FileExists(string name) => _inner.FileExists(name);

        public bool DirectoryExists(string name) => _inner.DirectoryExists(name);

        public long GetLength(string name) => _inner.GetLength(name);

        public Stream OpenRead(string name) => _inner.OpenRead(name);

        public string? GetLocalPath(string name) => null;
    }
}
