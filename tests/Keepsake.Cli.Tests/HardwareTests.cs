using Keepsake.TestKit;

namespace Keepsake.Cli.Tests;

/// <summary>
/// A real iPhone on a cable, connected, unlocked and paired, whose UDID is in <c>KEEPSAKE_TEST_UDID</c>
/// (docs/manual-test-real-iphone.md says when and how). CI leaves these out (<c>Category!=Hardware</c>);
/// without the variable they fail, saying what they need, rather than pass.
/// </summary>
[Trait("Category", "Hardware")]
public sealed class HardwareTests
{
    private static string Udid =>
        Environment.GetEnvironmentVariable("KEEPSAKE_TEST_UDID") is { Length: > 0 } udid
            ? udid
            : throw new InvalidOperationException("Set KEEPSAKE_TEST_UDID to the UDID of a connected, unlocked, paired iPhone.");

    [Fact]
    public void Doctor_RealPhone_UsbmuxdAndLockdownAnswer()
    {
        var udid = Udid;
        var result = KeepsakeProcess.Run(["doctor", "--output", "-"]).EnsureSuccess("keepsake doctor");

        Assert.Contains($"device {udid}: USB", result.StandardOutput, StringComparison.OrdinalIgnoreCase);
        Assert.Matches(@"lockdownd: answers \(ProductType iPhone[0-9,]+, ProductVersion 1[7-9]\.", result.StandardOutput);
        Assert.Contains("pair record in usbmuxd: present", result.StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public void Devices_RealPhone_IsListedAsPaired()
    {
        var result = KeepsakeProcess.Run(["devices", "--json"]).EnsureSuccess("keepsake devices");

        Assert.Contains($"\"udid\":\"{Udid}\"", result.StandardOutput.Replace(" ", string.Empty, StringComparison.Ordinal), StringComparison.OrdinalIgnoreCase);
        Assert.Contains("\"paired\":true", result.StandardOutput.Replace(" ", string.Empty, StringComparison.Ordinal), StringComparison.Ordinal);
    }

    [Fact]
    public void Backup_RealPhoneTwice_SecondSnapshotHasTheFirstAsParent()
    {
        using var home = new TempDirectory("keepsake-hardware");
        var env = new Dictionary<string, string>
        {
            ["KEEPSAKE_VAULT"] = home.Combine("vault"),
            ["KEEPSAKE_PASSWORD"] = "hardware test vault",
            ["KEEPSAKE_BACKUP_PASSWORD"] = Environment.GetEnvironmentVariable("KEEPSAKE_BACKUP_PASSWORD") ?? string.Empty,
        };

        KeepsakeProcess.Run(["backup", "--udid", Udid], env, TimeSpan.FromHours(2)).EnsureSuccess("first backup");
        KeepsakeProcess.Run(["backup", "--udid", Udid], env, TimeSpan.FromHours(2)).EnsureSuccess("second backup");
        var snapshots = KeepsakeProcess.Run(["snapshots", "--json"], env).EnsureSuccess("keepsake snapshots");

        Assert.Equal(2, snapshots.StandardOutput.Split("\"id\"", StringSplitOptions.None).Length - 1);
        Assert.Matches("\"parent\":\\s*\"[0-9a-f]{64}\"", snapshots.StandardOutput);
    }
}
