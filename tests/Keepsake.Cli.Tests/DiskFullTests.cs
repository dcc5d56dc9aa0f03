using Keepsake.TestKit;

namespace Keepsake.Cli.Tests;

/// <summary>A full disk, made real with a small tmpfs: the documented exit code 6, and no half-written file left.</summary>
public sealed class DiskFullTests
{
    [TmpfsFact("mvt-ios-backup")]
    public void Import_VaultDiskFills_ExitsDiskFull()
    {
        using var dir = new TempDirectory();
        using var disk = TmpfsMount.Create(dir.Combine("small"), "2m");
        var phone = dir.CopyFrom(Fixtures.Path("mvt-ios-backup"), "phone");
        var random = new byte[4 * 1024 * 1024];
        new Random(6).NextBytes(random);
        Directory.CreateDirectory(Path.Combine(phone, "zz"));
        File.WriteAllBytes(Path.Combine(phone, "zz", "zz00000000000000000000000000000000000001"), random);

        var result = KeepsakeProcess.Run(["import", phone], new Dictionary<string, string>
        {
            ["KEEPSAKE_VAULT"] = Path.Combine(disk.Path, "vault"),
            ["KEEPSAKE_PASSWORD"] = "disk-full-pw",
        });

        Assert.True(result.ExitCode == 6, $"import exited {result.ExitCode}: {result.StandardError}");
        Assert.Contains("disk is full", result.StandardError, StringComparison.Ordinal);
    }

    [TmpfsFact("magnet-ctf2020-smsdb")]
    public void Export_DestinationDiskFills_ExitsDiskFullAndLeavesNoPartialFile()
    {
        using var dir = new TempDirectory();
        var db = Fixtures.CopySqlite("magnet-ctf2020-smsdb/sms.db", dir);
        using var disk = TmpfsMount.Create(dir.Combine("small"), "8k");

        var result = KeepsakeProcess.Run(["export", "messages", db, disk.Path, "--format", "html"]);

        Assert.True(result.ExitCode == 6, $"export exited {result.ExitCode}: {result.StandardError}");
        Assert.Contains("disk is full", result.StandardError, StringComparison.Ordinal);
        Assert.Empty(Directory.EnumerateFiles(disk.Path, "*.partial", SearchOption.AllDirectories));
    }
}
