using Keepsake.TestKit;

namespace Keepsake.Plist.Tests;

/// <summary>Every plist among the shared fixtures.</summary>
public sealed partial class PlistReaderTests
{
    private static IEnumerable<string> AllFixturePlists() =>
        Fixtures.Root is { } root
            ? Directory.EnumerateFiles(root, "*.plist", SearchOption.AllDirectories).Order(StringComparer.Ordinal)
            : [];

    [FixtureFact("mvt-ios-backup")]
    public void Read_EveryFixturePlist_ReencodesEqual()
    {
        var files = AllFixturePlists().ToList();
        Assert.True(files.Count >= 40, $"expected the shared fixtures' plists, found {files.Count}");
        foreach (var file in files)
        {
            var node = PlistReader.ReadFile(file);
            Assert.True(node.Equals(PlistReader.Read(PlistWriter.ToBinary(node))), $"binary re-encode differs: {file}");
            if (!ContainsNull(node))
            {
                Assert.True(node.Equals(PlistReader.Read(PlistWriter.ToXml(node))), $"XML re-encode differs: {file}");
            }
        }
    }

    [FixtureFact("mvt-ios-backup")]
    [Trait("Peer", "plistutil")]
    public void Read_EveryFixturePlist_MatchesPlistutilXml()
    {
        if (ExternalTool.Find("plistutil") is null)
        {
            Assert.Fail("plistutil is not installed");
        }

        using var dir = new TempDirectory();
        foreach (var file in AllFixturePlists())
        {
            var ours = PlistReader.ReadFile(file);
            var outPath = dir.Combine(Path.GetFileName(file) + ".xml");
            ExternalTool.Run("plistutil", ["-i", file, "-o", outPath, "-f", "xml"], TimeSpan.FromSeconds(60));
            Assert.True(File.Exists(outPath), $"plistutil did not convert {file}");
            var theirs = PlistReader.ReadFile(outPath);
            Assert.True(ours.Equals(theirs), $"our reading of {file} differs from plistutil's XML of it");
        }
    }

    [FixtureFact("john-keybags")]
    public void Read_JohnKeybagManifests_HaveBackupKeyBag()
    {
        foreach (var name in new[] { "Manifest-10-test123.plist", "Manifest-9-test123.plist", "Manifest-9-123456.plist" })
        {
            var dict = PlistReader.ReadFile(Fixtures.Path("john-keybags", name)).AsDictionary();
            Assert.True(dict.GetData("BackupKeyBag") is { Length: > 100 }, name);
            Assert.True(dict.GetBoolean("IsEncrypted"), name);
        }
    }

    [FixtureFact("mvt-ios-backup")]
    public void Read_InfoPlists_HaveDeviceKeys()
    {
        foreach (var folder in new[] { "mvt-ios-backup" })
        {
            if (!Fixtures.Exists(folder))
            {
                continue;
            }

            var dict = PlistReader.ReadFile(Fixtures.Path(folder, "Info.plist")).AsDictionary();
            Assert.False(string.IsNullOrEmpty(dict.GetString("Product Version")), folder);
        }
    }

    private static bool ContainsNull(PlistNode node) => node switch
    {
        PlistNull => true,
        PlistArray a => a.Any(ContainsNull),
        PlistDictionary d => d.Any(kv => ContainsNull(kv.Value)),
        _ => false,
    };
}
