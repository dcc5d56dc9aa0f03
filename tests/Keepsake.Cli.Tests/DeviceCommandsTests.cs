using Keepsake.TestKit;

namespace Keepsake.Cli.Tests;

/// <summary>The device commands against the built-in simulated iPhone, each run in a fresh home folder.</summary>
public sealed class DeviceCommandsTests
{
    [Fact]
    public void EncryptionBackupVerifyRestore_ThroughTheCommandLine()
    {
        using var home = new TempDirectory("keepsake-home");
        var env = new Dictionary<string, string>
        {
            ["HOME"] = home.Path,
            ["XDG_DATA_HOME"] = string.Empty,
            ["KEEPSAKE_VAULT"] = string.Empty,
            ["KEEPSAKE_PASSWORD"] = "vault-pw",
            ["KEEPSAKE_BACKUP_PASSWORD"] = "backup-pw",
        };

        var on = KeepsakeProcess.Run(["encryption", "on", "--simulator"], env).EnsureSuccess("keepsake encryption on");
        Assert.Contains("on", KeepsakeProcess.Run(["encryption", "status", "--simulator"], env).EnsureSuccess("status").StandardOutput, StringComparison.Ordinal);
        var backup = KeepsakeProcess.Run(["backup", "--simulator"], env).EnsureSuccess("keepsake backup --simulator");
        Assert.Contains(", encrypted", backup.StandardOutput, StringComparison.Ordinal);
        Assert.DoesNotContain("not encrypted", backup.StandardError, StringComparison.Ordinal);
        Assert.DoesNotContain("backup-pw", on.StandardOutput + on.StandardError + backup.StandardOutput + backup.StandardError, StringComparison.Ordinal);

        var verify = KeepsakeProcess.Run(["verify", "latest"], env).EnsureSuccess("keepsake verify");
        Assert.Contains("The backup is sound.", verify.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("sms.db: opened, integrity ok", verify.StandardOutput, StringComparison.Ordinal);

        var wrong = KeepsakeProcess.Run(["verify", "latest"], new Dictionary<string, string>(env) { ["KEEPSAKE_BACKUP_PASSWORD"] = "nope" });
        Assert.Equal(12, wrong.ExitCode);

        KeepsakeProcess.Run(["restore", "latest", "--to-device", "--simulator", "--no-reboot", "--yes"], env).EnsureSuccess("keepsake restore --to-device");
        var folder = home.Combine("restored");
        KeepsakeProcess.Run(["restore", "latest", "--to-folder", folder], env).EnsureSuccess("keepsake restore --to-folder");
        var restored = Assert.Single(Directory.GetDirectories(folder));
        Assert.True(File.Exists(Path.Combine(restored, "Manifest.plist")));
        Assert.True(File.Exists(Path.Combine(restored, "Status.plist")));
    }

    [Fact]
    public void Backup_NoUsbmuxd_SaysSoPlainlyAndExitsNoDevice()
    {
        using var home = new TempDirectory("keepsake-home");
        var result = KeepsakeProcess.Run(["backup"], new Dictionary<string, string>
        {
            ["HOME"] = home.Path,
            ["KEEPSAKE_PASSWORD"] = "x",
            ["USBMUXD_SOCKET_ADDRESS"] = "UNIX:" + home.Combine("no-such.sock"),
        });
        Assert.Equal(20, result.ExitCode);
        Assert.Contains("no iPhone is connected", result.StandardError, StringComparison.Ordinal);
    }
}
