using System.Text.Json;
using Keepsake.BackupFormat;
using Keepsake.Engine.Vault;
using Keepsake.Primitives;
using Keepsake.Repository;
using Keepsake.Repository.Backends.Local;
using Keepsake.Repository.Crypto;
using Keepsake.TestKit;

namespace Keepsake.Engine.Tests.Vault;

public sealed class ImportJobTests
{
    private const string VaultPassword = "vault password for tests";
    private static readonly RepositoryOptions Fast = new() { KdfParameters = KdfParameters.Fast, Hostname = "test-host" };

    [FixtureFact("mvt-ios-backup")]
    public async Task RunAsync_MvtBackup_SnapshotReadsLikeTheFolderAndResticAgrees()
    {
        using var dir = new TempDirectory();
        var vault = dir.Combine("vault");
        using var password = Secret.FromString(VaultPassword);
        using var repository = await Repository.Repository.InitAsync(new LocalBackend(vault), password, Fast);
        var folder = Fixtures.Path("mvt-ios-backup");

        var result = await ImportJob.RunAsync(repository, folder);

        var snapshot = result.Snapshot;
        Assert.Equal("iPhone", snapshot.Hostname);
        Assert.Contains("apple-backup", snapshot.Tags);
        Assert.Contains("udid=1CB128EAFA77C5BE74283E9A3A2130AF36A3C059", snapshot.Tags);
        Assert.Contains("ios=14.3", snapshot.Tags);
        Assert.Contains("encrypted=no", snapshot.Tags);

        // The snapshot, read in place, is the same backup as the folder.
        using var fromFolder = BackupFolder.Open(folder);
        using var fromSnapshot = SnapshotBackupSource.Open(repository, snapshot);
        Assert.Equal(fromFolder.Entries().Select(e => (e.FileId, e.Kind, e.Size)), fromSnapshot.Entries().Select(e => (e.FileId, e.Kind, e.Size)));
        foreach (var entry in fromFolder.Entries().Where(e => e.Kind == BackupEntryKind.File && fromFolder.BlobPath(e.FileId) is not null))
        {
            using var a = fromFolder.OpenRead(entry);
            using var b = fromSnapshot.OpenRead(entry);
            Assert.Equal(ReadAll(a), ReadAll(b));
        }

        // The independent restic sees a valid repository with our host and tags, and restores the folder byte for byte.
        var env = new Dictionary<string, string> { ["RESTIC_PASSWORD"] = VaultPassword };
        ExternalTool.Run("restic", ["--no-cache", "--no-lock", "-r", vault, "check", "--read-data"], TimeSpan.FromMinutes(3), env).EnsureSuccess("restic check");
        var json = ExternalTool.Run("restic", ["--no-cache", "--no-lock", "-r", vault, "snapshots", "--json"], TimeSpan.FromMinutes(1), env).EnsureSuccess("restic snapshots");
        using var document = JsonDocument.Parse(json.StandardOutput);
        var listed = Assert.Single(document.RootElement.EnumerateArray());
        Assert.Equal("iPhone", listed.GetProperty("hostname").GetString());
        Assert.Contains("udid=1CB128EAFA77C5BE74283E9A3A2130AF36A3C059", listed.GetProperty("tags").EnumerateArray().Select(t => t.GetString()));
        var restored = dir.Combine("restored");
        ExternalTool.Run("restic", ["--no-cache", "--no-lock", "-r", vault, "restore", snapshot.Id.ToString(), "--target", restored], TimeSpan.FromMinutes(3), env).EnsureSuccess("restic restore");
        var restoredFolder = Path.Combine(restored, snapshot.Paths[0].TrimStart('/'));
        foreach (var file in Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories))
        {
            Assert.Equal(File.ReadAllBytes(file), File.ReadAllBytes(Path.Combine(restoredFolder, Path.GetRelativePath(folder, file))));
        }
    }

    [FixtureFact("pyiosbackup-encrypted-mini")]
    public async Task RunAsync_EncryptedBackup_SnapshotDecryptsWithTheBackupPassword()
    {
        using var dir = new TempDirectory();
        using var password = Secret.FromString(VaultPassword);
        using var repository = await Repository.Repository.InitAsync(new LocalBackend(dir.Combine("vault")), password, Fast);

        var result = await ImportJob.RunAsync(repository, Fixtures.Path("pyiosbackup-encrypted-mini", "ios10-sqlite"));

        Assert.Contains("encrypted=yes", result.Snapshot.Tags);
        using var backupPassword = Secret.FromString("0000");
        using var source = SnapshotBackupSource.Open(repository, result.Snapshot, backupPassword);
        var entry = Assert.Single(source.Entries(), e => e.RelativePath == "Media/Test.txt");
        using var stream = source.OpenRead(entry);
        Assert.Equal("Test data", System.Text.Encoding.UTF8.GetString(ReadAll(stream)));
        using var wrong = Secret.FromString("1234");
        var error = Assert.Throws<BackupFormatException>(() => SnapshotBackupSource.Open(repository, result.Snapshot, wrong));
        Assert.Equal(BackupFormatError.WrongPassword, error.Error);
    }

    /// <summary>
    /// The snapshot takes the backup's own date: Info.plist's Last Backup Date, and Status.plist's Date when
    /// there is one (both read and written here by python3's plistlib, not by our plist code). Its model tag
    /// (iPhone9,3) is stored comma-safe, so the real restic's --tag filter finds it; the raw value, which
    /// restic reads as two tags, finds nothing.
    /// </summary>
    [FixtureFact("mvt-ios-backup")]
    public async Task RunAsync_BackupDates_SnapshotTimeIsTheBackupsAndResticTagFilterFindsTheModel()
    {
        if (ExternalTool.Find("python3") is null || ExternalTool.Find("restic") is null)
        {
            Assert.Fail("python3 and restic are needed (apt-get install python3 restic)");
        }

        using var dir = new TempDirectory();
        var vault = dir.Combine("vault");
        using var password = Secret.FromString(VaultPassword);
        using var repository = await Repository.Repository.InitAsync(new LocalBackend(vault), password, Fast);
        var backup = dir.CopyFrom(Fixtures.Path("mvt-ios-backup"), "backup");
        string Python(string code) => ExternalTool.Run("python3", ["-c", code]).EnsureSuccess("python3").StandardOutput.Trim();
        var infoDate = DateTimeOffset.Parse(Python($"import plistlib; print(plistlib.load(open({Quote(Path.Combine(backup, "Info.plist"))}, 'rb'))['Last Backup Date'].isoformat() + '+00:00')"), System.Globalization.CultureInfo.InvariantCulture);

        var fromInfo = await ImportJob.RunAsync(repository, backup);
        Assert.Equal(infoDate, fromInfo.Snapshot.Time);

        Python($"import plistlib, datetime; plistlib.dump({{'Date': datetime.datetime(2022, 5, 6, 7, 8, 9), 'SnapshotState': 'finished'}}, open({Quote(Path.Combine(backup, "Status.plist"))}, 'wb'), fmt=plistlib.FMT_BINARY)");
        var fromStatus = await ImportJob.RunAsync(repository, backup);
        Assert.Equal(new DateTimeOffset(2022, 5, 6, 7, 8, 9, TimeSpan.Zero), fromStatus.Snapshot.Time);

        var env = new Dictionary<string, string> { ["RESTIC_PASSWORD"] = VaultPassword };
        int Count(string tag)
        {
            var json = ExternalTool.Run("restic", ["--no-cache", "--no-lock", "-r", vault, "snapshots", "--json", "--tag", tag], TimeSpan.FromMinutes(1), env).EnsureSuccess("restic snapshots");
            using var document = JsonDocument.Parse(json.StandardOutput);
            return document.RootElement.ValueKind == JsonValueKind.Array ? document.RootElement.GetArrayLength() : 0;
        }

        Assert.Equal(2, Count(AppleBackupTags.Encode("model=iPhone9,3")));
        Assert.Equal(2, Count("model=iPhone9%2C3"));
        Assert.Equal(0, Count("model=iPhone9,3"));
    }

    private static string Quote(string path) => "'" + path.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("'", "\\'", StringComparison.Ordinal) + "'";

    [FixtureFact("mvt-ios-backup")]
    public async Task RunAsync_SameDeviceTwice_SecondSnapshotHasParentAndAddsNothing()
    {
        using var dir = new TempDirectory();
        using var password = Secret.FromString(VaultPassword);
        using var repository = await Repository.Repository.InitAsync(new LocalBackend(dir.Combine("vault")), password, Fast);
        // A fresh copy, as on a new machine: its files' access times would change on a first read (relatime), and
        // no other test reads it between the two imports.
        var backup = dir.CopyFrom(Fixtures.Path("mvt-ios-backup"), "backup");
        var first = await ImportJob.RunAsync(repository, backup);

        var second = await ImportJob.RunAsync(repository, backup);

        Assert.Equal(first.Snapshot.Id, second.Snapshot.Parent);
        // Every file is taken from the parent unread, and the import touched no access time, so the backup
        // folder's tree is the same blob. (The folders above it are not the import's to keep still.)
        Assert.Equal(0, second.FilesNew + second.FilesChanged);
        Assert.Equal(first.FilesNew, second.FilesUnmodified);
        var folder = first.Snapshot.Paths[0];
        Assert.Equal((await repository.FindNodeAsync(first.Snapshot, folder))!.Subtree, (await repository.FindNodeAsync(second.Snapshot, folder))!.Subtree);
    }

    [FixtureFact("mvt-ios-backup")]
    public async Task RunAsync_FolderReachedThroughASymlink_StoresTheRealPathAndReadsBack()
    {
        using var dir = new TempDirectory();
        var link = dir.Combine("link");
        Directory.CreateSymbolicLink(link, Path.GetDirectoryName(Fixtures.Path("mvt-ios-backup"))!);
        using var password = Secret.FromString(VaultPassword);
        using var repository = await Repository.Repository.InitAsync(new LocalBackend(dir.Combine("vault")), password, Fast);

        var result = await ImportJob.RunAsync(repository, Path.Combine(link, "mvt-ios-backup"));

        Assert.DoesNotContain(link, result.Snapshot.Paths[0], StringComparison.Ordinal);
        using var source = SnapshotBackupSource.Open(repository, result.Snapshot);
        Assert.Equal(3721, source.Entries().Count());
    }

    [Fact]
    public async Task RunAsync_NotABackupFolder_ThrowsMissingFile()
    {
        using var dir = new TempDirectory();
        Directory.CreateDirectory(dir.Combine("plain"));
        File.WriteAllText(dir.Combine("plain", "a.txt"), "x");
        using var password = Secret.FromString(VaultPassword);
        using var repository = await Repository.Repository.InitAsync(new LocalBackend(dir.Combine("vault")), password, Fast);

        var error = await Assert.ThrowsAsync<BackupFormatException>(() => ImportJob.RunAsync(repository, dir.Combine("plain")));

        Assert.Equal(BackupFormatError.MissingFile, error.Error);
        Assert.Empty(await repository.ListSnapshotsAsync());
    }

    private static byte[] ReadAll(Stream stream)
    {
        using var memory = new MemoryStream();
        stream.CopyTo(memory);
        return memory.ToArray();
    }
}
