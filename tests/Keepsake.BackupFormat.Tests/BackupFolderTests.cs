using System.Security.Cryptography;
using System.Text;
using Keepsake.Plist;
using Keepsake.Primitives;
using Keepsake.TestKit;

namespace Keepsake.BackupFormat.Tests;

public sealed class BackupFolderTests
{
    private static readonly string[] MvtBlobIds =
    [
        "3d0d7e5fb2ce288813306e4d4636395e047a3d28", "2041457d5fe04d39d0ab481178355df6781e6858", "3a47b0981ed7c10f3e2800aa66bac96a3b5db28e",
        "1f5a521220a3ad80ebfdc196978df8e7a2e49dee", "64d0019cb3d46bfc8cce545a8ba54b93e7ea9347", "0dc926a1810f7aee4e8f38793ed788701f93bf9d",
        "0d609c54856a9bb2d56729df1d68f2958a88426b", "6e9d0cb750a70e7fa10943c134a5f021dab327e7", "7c7fba66680ef796b916b067077cc246adacf01d",
        "b8548dc30aa1030df0ce18ef08b882cf7ab5212f",
    ];

    [FixtureFact("mvt-ios-backup")]
    public void Entries_MvtIos14_Counts3721RowsByKindAndHashes()
    {
        using var backup = BackupFolder.Open(Fixtures.Path("mvt-ios-backup"));
        Assert.False(backup.IsEncrypted);
        var count = 0;
        int files = 0, dirs = 0, links = 0;
        string? previous = null;
        foreach (var e in backup.Entries())
        {
            count++;
            files += e.Kind == BackupEntryKind.File ? 1 : 0;
            dirs += e.Kind == BackupEntryKind.Directory ? 1 : 0;
            links += e.Kind == BackupEntryKind.Symlink ? 1 : 0;
            var expected = Convert.ToHexStringLower(SHA1.HashData(Encoding.UTF8.GetBytes($"{e.Domain}-{e.RelativePath}")));
            Assert.Equal(expected, e.FileId);
            var key = e.Domain + "\0" + e.RelativePath;
            Assert.True(previous is null || string.CompareOrdinal(previous, key) < 0, "entries are ordered by domain, then path");
            previous = key;
            if (e.Kind == BackupEntryKind.Symlink)
            {
                Assert.False(string.IsNullOrEmpty(e.SymlinkTarget));
                Assert.Equal(0xA000, e.Mode & 0xF000);
            }

            if (e.Kind == BackupEntryKind.File)
            {
                Assert.Equal(44, e.EncryptionKey!.Length);
                Assert.Equal(e.ProtectionClass, BitConverter.ToInt32(e.EncryptionKey, 0));
            }
        }

        Assert.Equal(3721, count);
        Assert.Equal(1089, files);
        Assert.Equal(2618, dirs);
        Assert.Equal(14, links);
        Assert.Equal(562, backup.Entries().Select(e => e.Domain).Distinct().Count());
        Assert.Equal("14.3", backup.Properties.ProductVersion);
        Assert.Equal("iPhone9,3", backup.Properties.ProductType);
        Assert.True(backup.Properties.IsComplete);
        Assert.Null(backup.Properties.ManifestPlist);
    }

    [FixtureFact("mvt-ios-backup")]
    public void OpenRead_MvtBlobs_AllTenReadAndMissingRowIsNull()
    {
        using var backup = BackupFolder.Open(Fixtures.Path("mvt-ios-backup"));
        var withBlobs = backup.Entries().Where(e => MvtBlobIds.Contains(e.FileId)).ToList();
        Assert.Equal(10, withBlobs.Count);
        foreach (var entry in withBlobs)
        {
            using var stream = backup.OpenRead(entry);
            var bytes = ReadAll(stream);
            var blob = File.ReadAllBytes(Fixtures.Path("mvt-ios-backup", entry.FileId[..2], entry.FileId));
            Assert.Equal(blob, bytes);
        }

        var sms = backup.FindEntry("HomeDomain", "Library/SMS/sms.db");
        Assert.NotNull(sms);
        Assert.Equal("3d0d7e5fb2ce288813306e4d4636395e047a3d28", sms.FileId);
        using (var s = backup.OpenRead(sms))
        {
            Assert.Equal("SQLite format 3\0"u8.ToArray(), ReadAll(s)[..16]);
        }

        // e794f6ff... (WhatsApp LID.sqlite) has a blob but no row.
        Assert.Null(backup.FindEntry("AppDomainGroup-group.net.whatsapp.WhatsApp.shared", "LID.sqlite"));
        Assert.DoesNotContain(backup.Entries(), e => e.FileId == "e794f6ffcc3c222535f47684a63d5178da3c4500");
    }

    [FixtureFact("mvt-ios-backup")]
    public void OpenRead_MvtFileWithoutBlob_ThrowsMissingBlobNamingPath()
    {
        using var backup = BackupFolder.Open(Fixtures.Path("mvt-ios-backup"));
        var entry = backup.Entries("HomeDomain", "Library/").First(e => e.Kind == BackupEntryKind.File && e.Size > 0 && backup.BlobPath(e.FileId) is null);
        var error = Assert.Throws<BackupFormatException>(() => backup.OpenRead(entry));
        Assert.Equal(BackupFormatError.MissingBlob, error.Error);
        Assert.Equal($"HomeDomain/{entry.RelativePath}", error.Path);
    }

    [FixtureFact("mvt-ios-backup")]
    public void Entries_DomainAndPrefix_FilterRows()
    {
        using var backup = BackupFolder.Open(Fixtures.Path("mvt-ios-backup"));
        var sms = backup.Entries("HomeDomain", "Library/SMS/").ToList();
        Assert.NotEmpty(sms);
        Assert.All(sms, e => Assert.StartsWith("Library/SMS/", e.RelativePath, StringComparison.Ordinal));
        Assert.All(sms, e => Assert.Equal("HomeDomain", e.Domain));
        Assert.Empty(backup.Entries("NoSuchDomain"));
        // '%' and '_' are not wildcards in a prefix.
        Assert.Empty(backup.Entries("HomeDomain", "Library/%"));
    }

    [FixtureFact("pyiosbackup-encrypted-mini")]
    public void Open_EncryptedIos10Sqlite_DecryptsManifestAndFile()
    {
        using var password = Secret.FromString("0000");
        string tempManifest;
        using (var backup = BackupFolder.Open(Fixtures.Path("pyiosbackup-encrypted-mini", "ios10-sqlite"), password))
        {
            Assert.True(backup.IsEncrypted);
            Assert.Equal(11, backup.ClassKeys!.UnwrappedCount);
            var entry = Assert.Single(backup.Entries());
            Assert.Equal("MyTestDomain", entry.Domain);
            Assert.Equal("Media/Test.txt", entry.RelativePath);
            Assert.Equal(9, entry.Size);
            using var stream = backup.OpenRead(entry);
            Assert.Equal("Test data", Encoding.UTF8.GetString(ReadAll(stream)));
            tempManifest = Directory.GetFiles(RunTemp.Current, "manifest-*.db").Single(f => File.GetLastWriteTimeUtc(f) > DateTime.UtcNow.AddMinutes(-5) && new FileInfo(f).Length == 4096 * (new FileInfo(f).Length / 4096));
            if (!OperatingSystem.IsWindows())
            {
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(tempManifest));
            }
        }

        Assert.False(File.Exists(tempManifest));
    }

    [FixtureFact("pyiosbackup-encrypted-mini")]
    public void Open_EncryptedIos9Mbdb_DecryptsFile()
    {
        using var password = Secret.FromString("0000");
        using var backup = BackupFolder.Open(Fixtures.Path("pyiosbackup-encrypted-mini", "ios9-mbdb"), password);
        var entry = Assert.Single(backup.Entries());
        Assert.Equal("Manifest.mbdb", backup.Properties.ManifestKind);
        using var stream = backup.OpenRead(entry);
        Assert.Equal("Test data", Encoding.UTF8.GetString(ReadAll(stream)));
    }

    [FixtureFact("pyiosbackup-encrypted-mini")]
    public void Open_EncryptedWithoutPassword_ThrowsPasswordRequired()
    {
        var e = Assert.Throws<BackupFormatException>(() => BackupFolder.Open(Fixtures.Path("pyiosbackup-encrypted-mini", "ios9-mbdb")));
        Assert.Equal(BackupFormatError.PasswordRequired, e.Error);
    }

    [FixtureFact("pyiosbackup-encrypted-mini")]
    public void Open_WrongPassword_ThrowsWrongPassword()
    {
        using var password = Secret.FromString("1234");
        var e = Assert.Throws<BackupFormatException>(() => BackupFolder.Open(Fixtures.Path("pyiosbackup-encrypted-mini", "ios9-mbdb"), password));
        Assert.Equal(BackupFormatError.WrongPassword, e.Error);
    }

    [FixtureFact("ios-backup-browser-sample")]
    public void Entries_BrowserSample_FileDirectoryAndSymlinkWithFields()
    {
        using var backup = BackupFolder.Open(Fixtures.Path("ios-backup-browser-sample"));
        var entries = backup.Entries().ToList();
        Assert.Equal(6, entries.Count);
        var link = Assert.Single(entries, e => e.Kind == BackupEntryKind.Symlink);
        Assert.Equal("DatabaseDomain", link.Domain);
        Assert.Equal("timezone/localtime", link.RelativePath);
        Assert.StartsWith("/", link.SymlinkTarget, StringComparison.Ordinal);
        Assert.Equal(4, entries.Count(e => e.Kind == BackupEntryKind.Directory && e.Domain == "AppDomain-com.google.Translate"));
        Assert.All(entries.Where(e => e.Kind == BackupEntryKind.Directory), d => Assert.Equal(0x4000, d.Mode & 0xF000));
        var file = Assert.Single(entries, e => e.Kind == BackupEntryKind.File);
        Assert.Equal("Library/Preferences/com.google.Translate.plist", file.RelativePath);
        Assert.StartsWith("12e90d5b", file.FileId, StringComparison.Ordinal);
        Assert.True(file.LastModified.Year >= 2015);
        Assert.True(file.InodeNumber > 0);
        Assert.Equal(501, file.UserId);
        using var stream = backup.OpenRead(file);
        var bytes = ReadAll(stream);
        Assert.Equal(file.Size, bytes.Length);
        Assert.IsType<PlistDictionary>(PlistReader.Read(bytes));
    }

    [FixtureFact("ios-backup-browser-sample")]
    public void ReadProperties_DummyPlists_GivesEmptyFactsAndComplete()
    {
        var properties = BackupFolder.ReadProperties(Fixtures.Path("ios-backup-browser-sample"));
        Assert.Null(properties.DeviceName);
        Assert.False(properties.IsEncrypted);
        Assert.True(properties.IsComplete);
        Assert.Equal("Manifest.db", properties.ManifestKind);
        Assert.NotNull(properties.StatusPlist);
    }

    [FixtureFact("legacy-mbdb-ios4")]
    public void ReadProperties_Ios4Manifest_ReadsLockdown()
    {
        var properties = BackupFolder.ReadProperties(Fixtures.Path("legacy-mbdb-ios4"));
        Assert.Equal("4.1", properties.ProductVersion);
        Assert.Equal("iPhone2,1", properties.ProductType);
        Assert.False(properties.IsEncrypted);
        Assert.Null(properties.ManifestKind);
    }

    [Fact]
    public void ReadProperties_SnapshotStateUploading_IsIncomplete()
    {
        using var dir = new TempDirectory();
        File.WriteAllBytes(dir.Combine("Status.plist"), PlistWriter.ToXml(new PlistDictionary { ["SnapshotState"] = "uploading" }));
        var properties = BackupFolder.ReadProperties(dir.Path);
        Assert.False(properties.IsComplete);
        Assert.Equal("uploading", properties.SnapshotState);
    }

    [Fact]
    public void ReadProperties_SnapshotFolderPresent_IsIncomplete()
    {
        using var dir = new TempDirectory();
        File.WriteAllBytes(dir.Combine("Status.plist"), PlistWriter.ToBinary(new PlistDictionary { ["SnapshotState"] = "finished" }));
        Directory.CreateDirectory(dir.Combine("Snapshot"));
        var properties = BackupFolder.ReadProperties(dir.Path);
        Assert.False(properties.IsComplete);
        Assert.Equal("finished", properties.SnapshotState);
    }

    [FixtureFact("mvt-ios-backup")]
    public void Open_DamagedStatusAndInfoPlist_ReadAsMissingAndNamedWhileEveryFileStaysReadable()
    {
        using var dir = new TempDirectory();
        var backup = dir.CopyFrom(Fixtures.Path("mvt-ios-backup"), "backup");
        File.WriteAllBytes(Path.Combine(backup, "Status.plist"), "bplist00\x01\x02garbage"u8.ToArray());
        File.WriteAllBytes(Path.Combine(backup, "Info.plist"), "<?xml version=\"1.0\"?><plist><dict><key>Device"u8.ToArray());

        using var folder = BackupFolder.Open(backup);
        var properties = folder.Properties;
        Assert.Null(properties.StatusPlist);
        Assert.Null(properties.InfoPlist);
        Assert.Equal(["Info.plist", "Status.plist"], properties.DamagedFiles.Select(d => d.Path).Order(StringComparer.Ordinal));
        Assert.All(properties.DamagedFiles, d => Assert.Equal(BackupFormatError.CorruptManifest, d.Error));
        // Every blob the fixture keeps is still read, byte for byte.
        var withBlobs = folder.Entries().Where(e => MvtBlobIds.Contains(e.FileId)).ToList();
        Assert.Equal(10, withBlobs.Count);
        foreach (var entry in withBlobs)
        {
            using var stream = folder.OpenRead(entry);
            Assert.Equal(File.ReadAllBytes(Path.Combine(backup, entry.FileId[..2], entry.FileId)), ReadAll(stream));
        }
    }

    [Fact]
    public void Open_CorruptManifestPlist_ThrowsCorruptManifest()
    {
        using var dir = new TempDirectory();
        File.WriteAllBytes(dir.Combine("Manifest.plist"), "bplist00\x01\x02garbage"u8.ToArray());
        var e = Assert.Throws<BackupFormatException>(() => BackupFolder.Open(dir.Path));
        Assert.Equal(BackupFormatError.CorruptManifest, e.Error);
        Assert.Equal("Manifest.plist", e.Path);
    }

    [Fact]
    public void Open_NoManifest_ThrowsMissingFile()
    {
        using var dir = new TempDirectory();
        var e = Assert.Throws<BackupFormatException>(() => BackupFolder.Open(dir.Path));
        Assert.Equal(BackupFormatError.MissingFile, e.Error);
        Assert.Throws<BackupFormatException>(() => BackupFolder.Open(dir.Combine("absent")));
    }

    [Fact]
    public void Open_BadArguments_ThrowArgumentExceptions()
    {
        Assert.Throws<ArgumentNullException>(() => BackupFolder.Open((string)null!));
        Assert.Throws<ArgumentNullException>(() => BackupFolder.Open((IBackupStore)null!));
        Assert.Throws<ArgumentException>(() => BackupFolder.Open(string.Empty));
        Assert.Throws<ArgumentNullException>(() => BackupFolder.ReadProperties((string)null!));
        Assert.Throws<ArgumentNullException>(() => BackupFolder.ReadProperties((IBackupStore)null!));
    }

    internal static byte[] ReadAll(Stream stream)
    {
        var output = new MemoryStream();
        stream.CopyTo(output);
        return output.ToArray();
    }
}
