using System.Security.Cryptography;
using System.Text;
using Keepsake.BackupFormat.Writer;
using Keepsake.Plist;
using Keepsake.Primitives;
using Keepsake.TestKit;
using Microsoft.Data.Sqlite;

namespace Keepsake.BackupFormat.Tests.Writer;

public sealed class BackupWriterTests
{
    internal const string Udid = "00008030-0011223344556677";
    internal static readonly DateTimeOffset Modified = new(2024, 5, 6, 7, 8, 9, TimeSpan.Zero);

    internal static readonly (string Domain, string Path, byte[] Content)[] SampleFiles =
    [
        ("HomeDomain", "Library/SMS/sms.db", RandomNumberGenerator.GetBytes(3 * 1024 * 1024 + 5)),
        ("HomeDomain", "Library/empty.txt", []),
        ("HomeDomain", "Library/sixteen.bin", Encoding.ASCII.GetBytes("0123456789abcdef")),
        ("AppDomain-net.example.app", "Documents/naïve – 日本語 😀.txt", Encoding.UTF8.GetBytes("non-ASCII name")),
        ("MediaDomain", "Media/one.txt", [1]),
    ];

    internal static string WriteSample(string folder, Secret? password)
    {
        using var writer = BackupWriter.Create(folder, new BackupWriterOptions
        {
            Udid = Udid,
            DeviceName = "Test iPhone",
            ProductType = "iPhone14,2",
            ProductVersion = "17.5.1",
            BuildVersion = "21F90",
            SerialNumber = "F2LXX0000000",
            Password = password,
            DoubleProtectionIterations = 10,
            Iterations = 10,
            Date = Modified,
        });
        writer.AddDirectory("HomeDomain", string.Empty, new BackupEntryMetadata { LastModified = Modified });
        writer.AddDirectory("HomeDomain", "Library", new BackupEntryMetadata { LastModified = Modified.AddDays(-1) });
        writer.AddDirectory("HomeDomain", "Library/SMS", new BackupEntryMetadata { LastModified = Modified.AddDays(-2) });
        writer.AddDirectory("AppDomain-net.example.app", "Documents");
        writer.AddDirectory("MediaDomain", "Media");
        foreach (var (domain, path, content) in SampleFiles)
        {
            writer.AddFile(domain, path, new MemoryStream(content), new BackupEntryMetadata { LastModified = Modified.AddHours(-content.Length % 7), ProtectionClass = path.EndsWith(".db", StringComparison.Ordinal) ? 1 : null });
        }

        writer.AddSymlink("HomeDomain", "Library/SMS/link.db", "sms.db");
        writer.AddSymlink("HomeDomain", "Library/abs", "/var/mobile/Library");
        writer.Complete();
        return folder;
    }

    [Fact]
    public void Create_EarlierKeybagAndSameFileKey_SameBlobAndKeyAndBothDecrypt()
    {
        using var dir = new TempDirectory();
        using var password = Secret.FromString("pässword");
        var fileKey = RandomNumberGenerator.GetBytes(32);
        var content = RandomNumberGenerator.GetBytes(100_000);
        byte[]? keybag = null;
        var blobs = new List<byte[]>();
        var keys = new List<byte[]?>();
        foreach (var name in new[] { "first", "second" })
        {
            var folder = dir.Combine(name);
            using (var writer = BackupWriter.Create(folder, new BackupWriterOptions { Udid = Udid, Password = password, DoubleProtectionIterations = 10, Iterations = 10, Keybag = keybag }))
            {
                writer.AddFile("HomeDomain", "Library/same.bin", new MemoryStream(content), null, fileKey);
                writer.AddFile("HomeDomain", "Library/fresh.bin", new MemoryStream(content));
                writer.Complete();
            }

            keybag ??= PlistReader.ReadFile(Path.Combine(folder, "Manifest.plist")).AsDictionary().GetData("BackupKeyBag");
            using var backup = BackupFolder.Open(folder, password);
            var entry = backup.FindEntry("HomeDomain", "Library/same.bin")!;
            using (var stream = backup.OpenRead(entry))
            {
                Assert.Equal(content, BackupFolderTests.ReadAll(stream));
            }

            blobs.Add(File.ReadAllBytes(Path.Combine(folder, entry.FileId[..2], entry.FileId)));
            keys.Add(entry.EncryptionKey);
        }

        Assert.Equal(blobs[0], blobs[1]);
        Assert.Equal(keys[0], keys[1]);
        Assert.Equal(keybag, PlistReader.ReadFile(dir.Combine("second", "Manifest.plist")).AsDictionary().GetData("BackupKeyBag"));
    }

    [Fact]
    public void Create_EarlierKeybagWrongPassword_ThrowsWrongPasswordAndWritesNoFile()
    {
        using var dir = new TempDirectory();
        using var password = Secret.FromString("right");
        WriteSample(dir.Combine("first"), password);
        var keybag = PlistReader.ReadFile(dir.Combine("first", "Manifest.plist")).AsDictionary().GetData("BackupKeyBag");
        using var wrong = Secret.FromString("wrong");

        var error = Assert.Throws<BackupFormatException>(() => BackupWriter.Create(dir.Combine("second"), new BackupWriterOptions { Udid = Udid, Password = wrong, Keybag = keybag }));

        Assert.Equal(BackupFormatError.WrongPassword, error.Error);
        Assert.DoesNotContain("wrong", error.Message, StringComparison.Ordinal);
        Assert.Empty(Directory.EnumerateFileSystemEntries(dir.Combine("second")));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void RoundTrip_WrittenBackup_OpensAndExtractsByteIdentically(bool encrypted)
    {
        using var dir = new TempDirectory();
        using var password = encrypted ? Secret.FromString("pässword") : null;
        var folder = WriteSample(dir.Combine("backup"), password);
        using var backup = BackupFolder.Open(folder, password);
        Assert.Equal(encrypted, backup.IsEncrypted);
        Assert.True(backup.Properties.IsComplete);
        Assert.Equal("Test iPhone", backup.Properties.DeviceName);
        Assert.Equal(Udid, backup.Properties.Udid);
        Assert.Equal("17.5.1", backup.Properties.ProductVersion);
        Assert.Equal("10.0", backup.Properties.FormatVersion);
        var entries = backup.Entries().ToList();
        Assert.Equal(SampleFiles.Length + 5 + 2, entries.Count);
        foreach (var (domain, path, content) in SampleFiles)
        {
            var entry = backup.FindEntry(domain, path);
            Assert.NotNull(entry);
            Assert.Equal(content.Length, entry.Size);
            using var stream = backup.OpenRead(entry);
            Assert.Equal(content, BackupFolderTests.ReadAll(stream));
            var blob = File.ReadAllBytes(Path.Combine(folder, entry.FileId[..2], entry.FileId));
            Assert.Equal(encrypted ? (content.Length / 16 + 1) * 16 : content.Length, blob.Length);
        }

        var dest = dir.Combine("out");
        var result = BackupExtractor.Extract(backup, dest, new ExtractOptions());
        Assert.Equal(SampleFiles.Length, result.Files);
        Assert.Equal(SampleFiles.Sum(f => (long)f.Content.Length), result.Bytes);
        Assert.Equal(5, result.Directories);
        Assert.Equal(1, result.Symlinks);
        Assert.Empty(result.Missing);
        var skip = Assert.Single(result.Skipped);
        Assert.Equal("HomeDomain/Library/abs", skip.Entry);
        foreach (var (domain, path, content) in SampleFiles)
        {
            var file = Path.Combine(dest, domain, path);
            Assert.Equal(content, File.ReadAllBytes(file));
            Assert.Equal(Modified.AddHours(-content.Length % 7).UtcDateTime, File.GetLastWriteTimeUtc(file));
        }

        Assert.Equal(Modified.AddDays(-2).UtcDateTime, Directory.GetLastWriteTimeUtc(Path.Combine(dest, "HomeDomain", "Library", "SMS")));
        Assert.Equal("sms.db", new FileInfo(Path.Combine(dest, "HomeDomain", "Library", "SMS", "link.db")).LinkTarget);
        Assert.Empty(Directory.GetFiles(dest, "*" + BackupExtractor.PartialSuffix, SearchOption.AllDirectories));
    }

    [ToolFact("sqlite3")]
    public void Complete_PlainBackup_ManifestDbHasSpecSchemaFileIdsAndMbFileFields()
    {
        using var dir = new TempDirectory();
        var folder = WriteSample(dir.Combine("backup"), null);
        var db = Path.Combine(folder, "Manifest.db");
        var schema = ExternalTool.Run("sqlite3", ["-readonly", db, ".schema"]).EnsureSuccess("sqlite3 .schema").StandardOutput;
        Assert.Contains("CREATE TABLE Files (fileID TEXT PRIMARY KEY, domain TEXT, relativePath TEXT, flags INTEGER, file BLOB);", schema, StringComparison.Ordinal);
        Assert.Contains("CREATE INDEX FilesDomainIdx ON Files(domain);", schema, StringComparison.Ordinal);
        Assert.Contains("CREATE INDEX FilesRelativePathIdx ON Files(relativePath);", schema, StringComparison.Ordinal);
        Assert.Contains("CREATE INDEX FilesFlagsIdx ON Files(flags);", schema, StringComparison.Ordinal);
        Assert.Contains("CREATE TABLE Properties (key TEXT PRIMARY KEY, value BLOB);", schema, StringComparison.Ordinal);
        Assert.Equal("0", ExternalTool.Run("sqlite3", ["-readonly", db, "SELECT count(*) FROM Properties"]).StandardOutput.Trim());
        var rows = ExternalTool.Run("sqlite3", ["-readonly", "-separator", "|", db, "SELECT fileID, domain, relativePath, flags, hex(file) FROM Files"]).EnsureSuccess("sqlite3 select").StandardOutput
            .Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(SampleFiles.Length + 7, rows.Length);
        foreach (var row in rows)
        {
            var cols = row.Split('|');
            Assert.Equal(Convert.ToHexStringLower(SHA1.HashData(Encoding.UTF8.GetBytes($"{cols[1]}-{cols[2]}"))), cols[0]);
            var mbFile = Assert.IsType<ArchivedObject>(KeyedArchive.Decode(Convert.FromHexString(cols[4])));
            Assert.Equal("MBFile", mbFile.ClassName);
            Assert.Equal(cols[2], mbFile.GetString("RelativePath"));
            var flags = int.Parse(cols[3], System.Globalization.CultureInfo.InvariantCulture);
            var mode = mbFile.GetInt64("Mode")!.Value;
            Assert.Equal(flags switch { 1 => 0x8000, 2 => 0x4000, _ => 0xA000 }, mode & 0xF000);
            Assert.Equal(501, mbFile.GetInt64("UserID"));
            Assert.NotNull(mbFile.GetInt64("InodeNumber"));
            Assert.NotNull(mbFile.GetInt64("Birth"));
            Assert.NotNull(mbFile.GetInt64("LastStatusChange"));
            Assert.Equal(0, mbFile.GetInt64("Flags"));
            if (flags == 1)
            {
                var sample = SampleFiles.Single(f => f.Path == cols[2]);
                Assert.Equal(sample.Content.Length, mbFile.GetInt64("Size"));
                Assert.Equal(Modified.AddHours(-sample.Content.Length % 7).ToUnixTimeSeconds(), mbFile.GetInt64("LastModified"));
                Assert.Equal(sample.Path.EndsWith(".db", StringComparison.Ordinal) ? 1 : 3, mbFile.GetInt64("ProtectionClass"));
            }

            if (flags == 4)
            {
                Assert.False(string.IsNullOrEmpty(mbFile.GetString("Target")));
            }
        }
    }

    [Fact]
    public void Complete_EncryptedBackup_ManifestEncryptedKeysPrefixedWithClass()
    {
        using var dir = new TempDirectory();
        using var password = Secret.FromString("pw");
        var folder = WriteSample(dir.Combine("backup"), password);
        var db = File.ReadAllBytes(Path.Combine(folder, "Manifest.db"));
        Assert.False(db.AsSpan().StartsWith("SQLite format 3\0"u8));
        Assert.Equal(0, db.Length % 16);
        var manifest = PlistReader.ReadFile(Path.Combine(folder, "Manifest.plist")).AsDictionary();
        Assert.True(manifest.GetBoolean("IsEncrypted"));
        var manifestKey = manifest.GetData("ManifestKey")!;
        Assert.Equal(44, manifestKey.Length);
        Assert.Equal(4, BitConverter.ToInt32(manifestKey, 0));
        var bag = Keepsake.BackupFormat.Keybag.BackupKeybag.Parse(manifest.GetData("BackupKeyBag"));
        Assert.Equal(11, bag.ClassKeys.Count);
        Assert.All(bag.ClassKeys, c => Assert.Equal(2, c.Wrap));
        Assert.Equal(["VERS", "TYPE", "UUID", "HMCK", "WRAP", "SALT", "ITER", "DPWT", "DPIC", "DPSL"], bag.HeaderTags.Select(t => t.Name));
        using var backup = BackupFolder.Open(folder, password);
        foreach (var entry in backup.Entries().Where(e => e.Kind == BackupEntryKind.File))
        {
            Assert.Equal(44, entry.EncryptionKey!.Length);
            Assert.Equal(entry.ProtectionClass, BitConverter.ToInt32(entry.EncryptionKey, 0));
        }

        var status = PlistReader.ReadFile(Path.Combine(folder, "Status.plist")).AsDictionary();
        Assert.Equal("finished", status.GetString("SnapshotState"));
        Assert.Equal("3.3", status.GetString("Version"));
        Assert.Equal("new", status.GetString("BackupState"));
        Assert.Empty(Directory.GetFiles(folder, "*" + BackupExtractor.PartialSuffix, SearchOption.AllDirectories));
    }

    [ToolFact("openssl")]
    public void AddFile_EncryptedBlob_DecryptsWithOpenSslEnc()
    {
        using var dir = new TempDirectory();
        using var password = Secret.FromString("pw");
        var folder = WriteSample(dir.Combine("backup"), password);
        using var backup = BackupFolder.Open(folder, password);
        foreach (var (domain, path, content) in SampleFiles.Where(f => f.Content.Length < 1000))
        {
            var entry = backup.FindEntry(domain, path)!;
            var key = backup.ClassKeys!.UnwrapPrefixedKey(entry.EncryptionKey, entry.ProtectionClass, path);
            var output = dir.Combine("plain-" + entry.FileId);
            ExternalTool.Run("openssl", ["enc", "-d", "-aes-256-cbc", "-K", Convert.ToHexString(key), "-iv", new string('0', 32), "-in", Path.Combine(folder, entry.FileId[..2], entry.FileId), "-out", output])
                .EnsureSuccess("openssl enc -d");
            Assert.Equal(content, File.ReadAllBytes(output));
        }
    }

    [ToolFact("plistutil")]
    public void Complete_Plists_ParseWithPlistutil()
    {
        using var dir = new TempDirectory();
        var folder = WriteSample(dir.Combine("backup"), null);
        foreach (var name in new[] { "Manifest.plist", "Status.plist", "Info.plist" })
        {
            var xml = ExternalTool.Run("plistutil", ["-i", Path.Combine(folder, name), "-f", "xml"]).StandardOutput;
            Assert.Equal(PlistReader.ReadFile(Path.Combine(folder, name)), PlistReader.Read(Encoding.UTF8.GetBytes(xml)));
        }
    }

    [Fact]
    public void Open_WriterBackupWrongPassword_ThrowsWrongPasswordAndWritesNothing()
    {
        using var dir = new TempDirectory();
        using var password = Secret.FromString("right");
        var folder = WriteSample(dir.Combine("backup"), password);
        using var wrong = Secret.FromString("wrong");
        var before = Directory.GetFiles(RunTemp.Current, "manifest-*").Length;
        var e = Assert.Throws<BackupFormatException>(() => BackupFolder.Open(folder, wrong));
        Assert.Equal(BackupFormatError.WrongPassword, e.Error);
        Assert.True(Directory.GetFiles(RunTemp.Current, "manifest-*").Length <= before);
    }

    [Fact]
    public void OpenRead_TruncatedEncryptedBlob_ThrowsCorruptBlobAndExtractSkipsOnlyIt()
    {
        using var dir = new TempDirectory();
        using var password = Secret.FromString("pw");
        var folder = WriteSample(dir.Combine("backup"), password);
        var id = BackupFileId.Compute("MediaDomain", "Media/one.txt");
        var blob = Path.Combine(folder, id[..2], id);
        File.WriteAllBytes(blob, File.ReadAllBytes(blob)[..^5]);
        using var backup = BackupFolder.Open(folder, password);
        var entry = backup.FindEntry("MediaDomain", "Media/one.txt")!;
        using (var stream = backup.OpenRead(entry))
        {
            var e = Assert.Throws<BackupFormatException>(() => BackupFolderTests.ReadAll(stream));
            Assert.Equal(BackupFormatError.CorruptBlob, e.Error);
            Assert.Equal("MediaDomain/Media/one.txt", e.Path);
        }

        var dest = dir.Combine("out");
        var result = BackupExtractor.Extract(backup, dest, new ExtractOptions());
        var skip = Assert.Single(result.Skipped, s => s.Entry == "MediaDomain/Media/one.txt");
        Assert.Equal(ExtractSkipKind.Damaged, skip.Kind);
        Assert.Contains("MediaDomain/Media/one.txt", skip.Reason, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFiles(Path.Combine(dest, "MediaDomain"), "*", SearchOption.AllDirectories));
        Assert.Equal(SampleFiles.Length - 1, result.Files);
    }

    [Fact]
    public void Open_TruncatedManifestDb_ThrowsCorruptManifest()
    {
        using var dir = new TempDirectory();
        var folder = WriteSample(dir.Combine("backup"), null);
        var db = Path.Combine(folder, "Manifest.db");
        var bytes = File.ReadAllBytes(db);
        File.WriteAllBytes(db, bytes[..(bytes.Length / 2)]);
        var e = Assert.Throws<BackupFormatException>(() => BackupFolder.Open(folder));
        Assert.Equal(BackupFormatError.CorruptManifest, e.Error);
        Assert.Equal("Manifest.db", e.Path);
    }

    [Fact]
    public void Dispose_WithoutComplete_LeavesBackupMarkedIncomplete()
    {
        using var dir = new TempDirectory();
        using (var writer = BackupWriter.Create(dir.Combine("b"), new BackupWriterOptions { Udid = Udid, Iterations = 1, DoubleProtectionIterations = 1 }))
        {
            writer.AddFile("HomeDomain", "a", new MemoryStream([1, 2, 3]));
        }

        var properties = BackupFolder.ReadProperties(dir.Combine("b"));
        Assert.False(properties.IsComplete);
        Assert.Equal("uploading", properties.SnapshotState);
    }

    [Fact]
    public void AddFile_Duplicate_ThrowsArgumentException()
    {
        using var dir = new TempDirectory();
        using var writer = BackupWriter.Create(dir.Combine("b"), new BackupWriterOptions { Udid = Udid, Iterations = 1, DoubleProtectionIterations = 1 });
        writer.AddDirectory("HomeDomain", "Library");
        Assert.Throws<ArgumentException>(() => writer.AddDirectory("HomeDomain", "Library"));
        Assert.Throws<ArgumentNullException>(() => writer.AddFile("HomeDomain", "x", null!));
        Assert.Throws<ArgumentException>(() => writer.AddSymlink("HomeDomain", "l", string.Empty));
    }

    [Fact]
    public void Create_NonEmptyFolder_Throws()
    {
        using var dir = new TempDirectory();
        File.WriteAllText(dir.Combine("x"), "x");
        Assert.Throws<IOException>(() => BackupWriter.Create(dir.Path, new BackupWriterOptions { Udid = Udid }));
    }
}
