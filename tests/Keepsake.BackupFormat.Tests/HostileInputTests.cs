using Keepsake.BackupFormat.Keybag;
using Keepsake.BackupFormat.Manifest;
using Keepsake.BackupFormat.Tests.Writer;
using Keepsake.BackupFormat.Writer;
using Keepsake.Plist;
using Keepsake.Primitives;
using Keepsake.TestKit;

namespace Keepsake.BackupFormat.Tests;

/// <summary>Random damage to real inputs only ever raises the typed exception (never a crash, hang or huge allocation).</summary>
public sealed class HostileInputTests
{
    [FixtureFact("john-keybags")]
    public void BackupKeybagParse_MutatedRealKeybags_OnlyTypedErrors()
    {
        var bag = PlistReader.ReadFile(Fixtures.Path("john-keybags", "Manifest-10-test123.plist")).AsDictionary().GetData("BackupKeyBag")!;
        var random = new Random(1234);
        for (var i = 0; i < 3000; i++)
        {
            var copy = Mutate(bag, random);
            try
            {
                var parsed = BackupKeybag.Parse(copy);
                Assert.True(parsed.ClassKeys.Count <= copy.Length / 8);
            }
            catch (BackupFormatException e)
            {
                Assert.Equal(BackupFormatError.CorruptKeybag, e.Error);
            }
        }
    }

    [FixtureFact("legacy-mbdb-ios4")]
    public void ManifestMbdbReader_MutatedRealPrefix_OnlyTypedErrors()
    {
        var bytes = File.ReadAllBytes(Fixtures.Path("legacy-mbdb-ios4", "5_Manifest.mbdb"))[..20_000];
        var random = new Random(99);
        for (var i = 0; i < 300; i++)
        {
            using var reader = new ManifestMbdbReader(new MemoryStream(Mutate(bytes, random)));
            try
            {
                foreach (var entry in reader.ReadEntries())
                {
                    Assert.NotNull(entry.Domain);
                }
            }
            catch (BackupFormatException e)
            {
                Assert.Equal(BackupFormatError.CorruptManifest, e.Error);
            }
        }
    }

    [Fact]
    public void FindEntry_NfcQueryForNfdStoredName_FindsRow()
    {
        using var dir = new TempDirectory();
        var nfd = "Documents/Cafe\u0301.txt";
        using (var writer = BackupWriter.Create(dir.Combine("b"), new BackupWriterOptions { Udid = BackupWriterTests.Udid, Iterations = 1, DoubleProtectionIterations = 1 }))
        {
            writer.AddFile("AppDomain-x", nfd, new MemoryStream([7]));
            writer.Complete();
        }

        using var backup = BackupFolder.Open(dir.Combine("b"));
        var entry = backup.FindEntry("AppDomain-x", "Documents/Caf\u00e9.txt");
        Assert.NotNull(entry);
        Assert.Equal(nfd, entry.RelativePath);
        Assert.Equal(BackupFileId.Compute("AppDomain-x", nfd), entry.FileId);
        Assert.Null(backup.FindEntry("AppDomain-x", "Documents/Cafe.txt"));
    }

    [Theory]
    [InlineData("\u00E9", "e\u0301")]
    [InlineData("\u30AC", "\u30AB\u3099")]
    [InlineData("\uD55C", "\u1112\u1161\u11AB")]
    [InlineData("\u1EA4", "A\u0302\u0301")]
    [InlineData("abc/\u00C5", "abc/A\u030A")]
    public void CanonicalDecomposition_ComposedText_MatchesNfd(string composed, string decomposed)
    {
        Assert.Equal(decomposed, Keepsake.BackupFormat.Manifest.CanonicalDecomposition.Decompose(composed));
        Assert.Equal(decomposed, Keepsake.BackupFormat.Manifest.CanonicalDecomposition.Decompose(decomposed));
    }

    [Fact]
    public void OpenRead_ConcurrentReadersOnEncryptedBackup_AllMatch()
    {
        using var dir = new TempDirectory();
        using var password = Secret.FromString("pw");
        var folder = BackupWriterTests.WriteSample(dir.Combine("b"), password);
        using var backup = BackupFolder.Open(folder, password);
        Parallel.For(0, 40, i =>
        {
            var (domain, path, content) = BackupWriterTests.SampleFiles[i % BackupWriterTests.SampleFiles.Length];
            var entry = backup.FindEntry(domain, path)!;
            using var stream = backup.OpenRead(entry);
            Assert.Equal(content, BackupFolderTests.ReadAll(stream));
        });
    }

    private static byte[] Mutate(byte[] source, Random random)
    {
        var copy = (byte[])source.Clone();
        switch (random.Next(3))
        {
            case 0:
                for (var j = 0; j < 1 + random.Next(4); j++)
                {
                    copy[random.Next(copy.Length)] = (byte)random.Next(256);
                }

                return copy;
            case 1:
                return copy[..random.Next(copy.Length)];
            default:
                var at = random.Next(copy.Length - 4);
                copy[at] = 0xFF;
                copy[at + 1] = 0xFF;
                copy[at + 2] = (byte)random.Next(256);
                return copy;
        }
    }
}
