using Keepsake.BackupFormat.Manifest;
using Keepsake.BackupFormat.Tests.Writer;
using Keepsake.TestKit;
using Microsoft.Data.Sqlite;

namespace Keepsake.BackupFormat.Tests;

public sealed class BackupExtractorTests
{
    [Fact]
    public void Extract_HostileManifest_WritesNothingOutsideDestinationAndReports()
    {
        using var dir = new TempDirectory();
        var folder = BackupWriterTests.WriteSample(dir.Combine("backup"), null);
        // Tamper with the writer's Manifest.db: escaping paths, and links followed by files under them.
        Tamper(folder, "HomeDomain", "../../evil", BackupEntryKind.File, null);
        Tamper(folder, "HomeDomain", "/etc/x", BackupEntryKind.File, null);
        Tamper(folder, "../outside", "x", BackupEntryKind.File, null);
        Tamper(folder, "HomeDomain", "root", BackupEntryKind.Symlink, "/");
        Tamper(folder, "HomeDomain", "root/escaped", BackupEntryKind.File, null);
        Tamper(folder, "HomeDomain", "up", BackupEntryKind.Symlink, "../../..");
        Tamper(folder, "HomeDomain", "up/escaped2", BackupEntryKind.File, null);
        Tamper(folder, "HomeDomain", "inside", BackupEntryKind.Symlink, "Library");
        Tamper(folder, "HomeDomain", "inside/through-link", BackupEntryKind.File, null);

        var dest = dir.Combine("sub", "out");
        using var backup = BackupFolder.Open(folder);
        var result = BackupExtractor.Extract(backup, dest, new ExtractOptions());

        var skipped = result.Skipped.Select(s => s.Entry).ToList();
        Assert.Contains("HomeDomain/../../evil", skipped);
        Assert.Contains("HomeDomain//etc/x", skipped);
        Assert.Contains("../outside/x", skipped);
        Assert.Contains("HomeDomain/root", skipped);
        Assert.Contains("HomeDomain/up", skipped);
        Assert.Contains("HomeDomain/inside/through-link", skipped);
        Assert.Equal(ExtractSkipKind.UnsafePath, result.Skipped.Single(s => s.Entry == "HomeDomain/../../evil").Kind);
        Assert.Equal(ExtractSkipKind.LinkTargetOutside, result.Skipped.Single(s => s.Entry == "HomeDomain/root").Kind);
        Assert.Equal(ExtractSkipKind.LinkTargetOutside, result.Skipped.Single(s => s.Entry == "HomeDomain/up").Kind);
        Assert.Equal(ExtractSkipKind.UnsafePath, result.Skipped.Single(s => s.Entry == "HomeDomain/inside/through-link").Kind);
        // Only the link that stays inside was made; the file behind it was refused, not written through it.
        Assert.Equal("Library", new FileInfo(Path.Combine(dest, "HomeDomain", "inside")).LinkTarget);
        Assert.False(File.Exists(Path.Combine(dest, "HomeDomain", "Library", "through-link")));
        // Nothing exists outside dest except the backup itself.
        Assert.Equal([dir.Combine("backup"), dir.Combine("sub")], Directory.GetFileSystemEntries(dir.Path).Order(StringComparer.Ordinal));
        Assert.Equal([dest], Directory.GetFileSystemEntries(dir.Combine("sub")));
        Assert.False(File.Exists("/etc/x"));
        Assert.False(File.Exists(Path.Combine(dest, "HomeDomain", "root", "escaped")) && new FileInfo(Path.Combine(dest, "HomeDomain", "root")).LinkTarget is not null);
        foreach (var file in Directory.EnumerateFiles(dest, "*", SearchOption.AllDirectories))
        {
            Assert.StartsWith(dest + Path.DirectorySeparatorChar, Path.GetFullPath(file), StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Extract_LinkChainThroughDotLinks_RefusesEveryLinkThatResolvesOutside()
    {
        using var dir = new TempDirectory();
        var folder = BackupWriterTests.WriteSample(dir.Combine("backup"), null);
        // Textually "dot/dot/../.." is the link's own folder; followed through dot -> ".", it climbs two folders.
        Tamper(folder, "HomeDomain", "dot", BackupEntryKind.Symlink, ".");
        Tamper(folder, "HomeDomain", "esc", BackupEntryKind.Symlink, "dot/dot/../..");
        Tamper(folder, "HomeDomain", "esc/planted", BackupEntryKind.File, null);
        // The same with the dot link made after the one that uses it (rows come in path order).
        Tamper(folder, "HomeDomain", "a-early", BackupEntryKind.Symlink, "zdot/zdot/../..");
        Tamper(folder, "HomeDomain", "zdot", BackupEntryKind.Symlink, ".");
        // Deeper: a link to ".." inside a folder, then "up/.." climbs from the domain folder, not from Library.
        Tamper(folder, "HomeDomain", "Library/up", BackupEntryKind.Symlink, "..");
        Tamper(folder, "HomeDomain", "Library/esc2", BackupEntryKind.Symlink, "up/../x");
        // Links through links that stay inside are still made.
        Tamper(folder, "HomeDomain", "lib", BackupEntryKind.Symlink, "dot/Library/up/Library");

        var dest = dir.Combine("out");
        using var backup = BackupFolder.Open(folder);
        var result = BackupExtractor.Extract(backup, dest, new ExtractOptions());

        foreach (var refused in new[] { "HomeDomain/esc", "HomeDomain/a-early", "HomeDomain/Library/esc2" })
        {
            Assert.Equal(ExtractSkipKind.LinkTargetOutside, Assert.Single(result.Skipped, s => s.Entry == refused).Kind);
            Assert.Null(new FileInfo(Path.Combine(dest, refused)).LinkTarget);
        }

        Assert.Equal("dot/Library/up/Library", new FileInfo(Path.Combine(dest, "HomeDomain", "lib")).LinkTarget);
        Assert.False(File.Exists(dir.Combine("planted")));
        // The links that were made resolve, as the kernel resolves them, inside the domain folder.
        Assert.True(File.Exists(Path.Combine(dest, "HomeDomain", "dot", "Library", "sixteen.bin")));
        Assert.True(File.Exists(Path.Combine(dest, "HomeDomain", "lib", "sixteen.bin")));
    }

    [Fact]
    public void Extract_BlobIsSymlink_RefusedAndTheRestWritten()
    {
        using var dir = new TempDirectory();
        var folder = BackupWriterTests.WriteSample(dir.Combine("backup"), null);
        var secret = dir.Combine("secret.txt");
        File.WriteAllText(secret, "not part of the backup");
        var id = BackupFileId.Compute("MediaDomain", "Media/one.txt");
        File.Delete(Path.Combine(folder, id[..2], id));
        File.CreateSymbolicLink(Path.Combine(folder, id[..2], id), secret);

        using var backup = BackupFolder.Open(folder);
        var e = Assert.Throws<BackupFormatException>(() => backup.OpenRead(backup.FindEntry("MediaDomain", "Media/one.txt")!));
        Assert.Equal(BackupFormatError.LinkedFile, e.Error);
        var dest = dir.Combine("out");
        var result = BackupExtractor.Extract(backup, dest, new ExtractOptions());

        var skip = Assert.Single(result.Skipped, s => s.Entry == "MediaDomain/Media/one.txt");
        Assert.Equal(ExtractSkipKind.Unreadable, skip.Kind);
        Assert.False(File.Exists(Path.Combine(dest, "MediaDomain", "Media", "one.txt")));
        Assert.Equal(BackupWriterTests.SampleFiles.Length - 1, result.Files);
    }

    [Fact]
    public void Extract_NameOver255Bytes_SkippedAndLaterFilesWritten()
    {
        using var dir = new TempDirectory();
        var folder = BackupWriterTests.WriteSample(dir.Combine("backup"), null);
        var tooLong = "Media/" + new string('a', 256);
        var longest = "Media/" + new string('b', 255);
        Tamper(folder, "MediaDomain", tooLong, BackupEntryKind.File, null);
        Tamper(folder, "MediaDomain", longest, BackupEntryKind.File, null);
        Tamper(folder, "MediaDomain", new string('c', 300) + "/x", BackupEntryKind.File, null);

        using var backup = BackupFolder.Open(folder);
        var dest = dir.Combine("out");
        var result = BackupExtractor.Extract(backup, dest, new ExtractOptions());

        Assert.Equal(ExtractSkipKind.Unwritable, Assert.Single(result.Skipped, s => s.Entry == "MediaDomain/" + tooLong).Kind);
        Assert.Equal(ExtractSkipKind.Unwritable, Assert.Single(result.Skipped, s => s.Entry.EndsWith("/x", StringComparison.Ordinal)).Kind);
        // A 255-byte name is legal, though its partial name would not be.
        Assert.Equal("evil", File.ReadAllText(Path.Combine(dest, "MediaDomain", longest)));
        Assert.True(File.Exists(Path.Combine(dest, "MediaDomain", "Media", "one.txt")));
        Assert.Equal(BackupWriterTests.SampleFiles.Length + 1, result.Files);
        Assert.Empty(Directory.GetFiles(dest, "*" + BackupExtractor.PartialSuffix, SearchOption.AllDirectories));
    }

    [FixtureFact("mvt-ios-backup")]
    public void Extract_MvtHomeDomainLibrary_WritesBlobsReportsMissingAndDeviceLinks()
    {
        using var dir = new TempDirectory();
        using var backup = BackupFolder.Open(Fixtures.Path("mvt-ios-backup"));
        var result = BackupExtractor.Extract(backup, dir.Path, new ExtractOptions { Domain = "HomeDomain", PathPrefix = "Library/SMS" });
        var sms = backup.FindEntry("HomeDomain", "Library/SMS/sms.db")!;
        Assert.Equal(File.ReadAllBytes(Fixtures.Path("mvt-ios-backup", "3d", sms.FileId)), File.ReadAllBytes(Path.Combine(dir.Path, "HomeDomain", "Library", "SMS", "sms.db")));
        Assert.Equal(sms.LastModified.UtcDateTime, File.GetLastWriteTimeUtc(Path.Combine(dir.Path, "HomeDomain", "Library", "SMS", "sms.db")));
        Assert.Equal(backup.Entries("HomeDomain", "Library/SMS").Count(e => e.Kind == BackupEntryKind.File && e.Size > 0) - 1, result.Missing.Count);
        Assert.All(result.Skipped, s => Assert.NotEqual(ExtractSkipKind.UnsafePath, s.Kind));
    }

    [Fact]
    public void Extract_MissingBlob_CollectedNotFatal()
    {
        using var dir = new TempDirectory();
        var folder = BackupWriterTests.WriteSample(dir.Combine("backup"), null);
        var id = BackupFileId.Compute("MediaDomain", "Media/one.txt");
        File.Delete(Path.Combine(folder, id[..2], id));
        using var backup = BackupFolder.Open(folder);
        var result = BackupExtractor.Extract(backup, dir.Combine("out"), new ExtractOptions());
        Assert.Equal(["MediaDomain/Media/one.txt"], result.Missing);
        Assert.Equal(BackupWriterTests.SampleFiles.Length - 1, result.Files);
    }

    [Fact]
    public void Extract_DomainAndPrefix_OnlySelected()
    {
        using var dir = new TempDirectory();
        var folder = BackupWriterTests.WriteSample(dir.Combine("backup"), null);
        using var backup = BackupFolder.Open(folder);
        var progress = new List<ExtractProgress>();
        var result = BackupExtractor.Extract(backup, dir.Combine("out"), new ExtractOptions { Domain = "HomeDomain", PathPrefix = "Library/SMS" }, new SyncProgress(progress));
        Assert.Equal(1, result.Files);
        Assert.True(File.Exists(dir.Combine("out", "HomeDomain", "Library", "SMS", "sms.db")));
        Assert.False(Directory.Exists(dir.Combine("out", "MediaDomain")));
        Assert.Single(progress);
    }

    [Fact]
    public void Extract_Cancelled_Throws()
    {
        using var dir = new TempDirectory();
        var folder = BackupWriterTests.WriteSample(dir.Combine("backup"), null);
        using var backup = BackupFolder.Open(folder);
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        Assert.ThrowsAny<OperationCanceledException>(() => BackupExtractor.Extract(backup, dir.Combine("out"), new ExtractOptions(), null, cts.Token));
    }

    [Fact]
    public void Extract_BadArguments_ThrowArgumentExceptions()
    {
        Assert.Throws<ArgumentNullException>(() => BackupExtractor.Extract(null!, "x", new ExtractOptions()));
    }

    private static void Tamper(string folder, string domain, string path, BackupEntryKind kind, string? target)
    {
        var fileId = BackupFileId.Compute(domain, path);
        var entry = new BackupEntry
        {
            FileId = fileId,
            Domain = domain,
            RelativePath = path,
            Kind = kind,
            Mode = kind == BackupEntryKind.Symlink ? 0xA1ED : 0x81A4,
            Size = 4,
            SymlinkTarget = target,
            LastModified = DateTimeOffset.UtcNow,
        };
        if (kind == BackupEntryKind.File)
        {
            Directory.CreateDirectory(Path.Combine(folder, fileId[..2]));
            File.WriteAllText(Path.Combine(folder, fileId[..2], fileId), "evil");
        }

        using var connection = new SqliteConnection($"Data Source={Path.Combine(folder, "Manifest.db")};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "INSERT INTO Files VALUES ($id, $d, $p, $f, $file)";
        command.Parameters.AddWithValue("$id", fileId);
        command.Parameters.AddWithValue("$d", domain);
        command.Parameters.AddWithValue("$p", path);
        command.Parameters.AddWithValue("$f", (int)kind);
        command.Parameters.AddWithValue("$file", Keepsake.Plist.PlistWriter.ToBinary(MbFileCodec.Encode(entry)));
        command.ExecuteNonQuery();
    }

    private sealed class SyncProgress(List<ExtractProgress> list) : IProgress<ExtractProgress>
    {
        public void Report(ExtractProgress value) => list.Add(value);
    }
}
