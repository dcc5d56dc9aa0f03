using Keepsake.BackupFormat.Tests.Writer;
using Keepsake.TestKit;

namespace Keepsake.BackupFormat.Tests;

public sealed class BackupLocatorTests
{
    [Fact]
    public void Find_RootWithBackups_ReportsEachAndCorruptOneWithError()
    {
        using var dir = new TempDirectory();
        BackupWriterTests.WriteSample(dir.Combine("00008030-0011223344556677"), null);
        Directory.CreateDirectory(dir.Combine("broken"));
        File.WriteAllText(dir.Combine("broken", "Manifest.plist"), "<?xml version=\"1.0\"?><plist><dict><key>x</key>");
        Directory.CreateDirectory(dir.Combine("not-a-backup"));
        var found = BackupLocator.Find(dir.Path).ToList();
        Assert.Equal(2, found.Count);
        var good = found.Single(f => f.Error is null);
        Assert.Equal("Test iPhone", good.Properties.DeviceName);
        Assert.True(good.SizeBytes > 3 * 1024 * 1024);
        var bad = found.Single(f => f.Error is not null);
        Assert.EndsWith("broken", bad.Path, StringComparison.Ordinal);
        Assert.Contains("Manifest.plist", bad.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Find_BackupFolderItself_ReturnsIt()
    {
        using var dir = new TempDirectory();
        var folder = BackupWriterTests.WriteSample(dir.Combine("b"), null);
        var found = Assert.Single(BackupLocator.Find(folder));
        Assert.Equal(folder, found.Path);
        Assert.True(found.Properties.IsComplete);
        Assert.Empty(BackupLocator.Find(dir.Combine("absent")));
    }

    [FixtureFact("mvt-ios-backup")]
    public void Find_MvtFixtureWithoutManifestPlist_FoundByManifestDb()
    {
        var found = Assert.Single(BackupLocator.Find(Fixtures.Path("mvt-ios-backup")));
        Assert.Null(found.Error);
        Assert.Equal("iPhone9,3", found.Properties.ProductType);
    }

    [Fact]
    public void DefaultRoots_ThisOs_EndsInKnownFolder()
    {
        var roots = BackupLocator.DefaultRoots();
        Assert.NotEmpty(roots);
        if (OperatingSystem.IsLinux())
        {
            Assert.EndsWith(Path.Combine("keepsake", "backups"), Assert.Single(roots), StringComparison.Ordinal);
        }
        else
        {
            Assert.All(roots, r => Assert.EndsWith(Path.Combine("MobileSync", "Backup"), r, StringComparison.Ordinal));
        }
    }
}
