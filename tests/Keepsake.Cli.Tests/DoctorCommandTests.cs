using Keepsake.TestKit;

namespace Keepsake.Cli.Tests;

/// <summary><c>keepsake doctor</c> through the real process, in a fresh home folder with secrets planted around it.</summary>
public sealed class DoctorCommandTests
{
    private const string VaultPassword = "vault-pw-Planted-7f3e";
    private const string BackupPassword = "backup-pw-Planted-2c9a";
    private const string AwsSecret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYPLANTEDKEY";
    private const string AwsKeyId = "AKIAPLANTED00000001";
    private const string LoggedPassword = "hunter2-Planted";
    private const string PemBody = "MIIEpQIBAAKCAQEAplantedPemBody";

    [Fact]
    public void Doctor_PlantedSecrets_NeverAppearInTheBundle()
    {
        using var home = new TempDirectory("keepsake-doctor");
        var env = Environment(home);
        var log = Path.Combine(home.Path, "state", "keepsake", "errors.log");
        Directory.CreateDirectory(Path.GetDirectoryName(log)!);
        File.WriteAllLines(log,
        [
            $"2026-12-01T10:00:00Z exit 14 keepsake copy: the storage refused password={LoggedPassword}",
            $"2026-12-01T10:01:00Z exit 1 keepsake pair: -----BEGIN RSA PRIVATE KEY----- {PemBody} -----END RSA PRIVATE KEY-----",
            $"2026-12-01T10:02:00Z exit 12 keepsake snapshots: wrong password {VaultPassword}",
        ]);
        var pairRecords = Path.Combine(home.Path, ".local", "share", "keepsake", "pair-records");
        Directory.CreateDirectory(pairRecords);
        File.WriteAllText(Path.Combine(pairRecords, "00008030-00AA11BB22CC33DD.plist"), $"<plist><dict><key>HostPrivateKey</key><data>{PemBody}</data></dict></plist>");

        var result = KeepsakeProcess.Run(["doctor", "--output", "-"], env).EnsureSuccess("keepsake doctor");
        var all = result.StandardOutput + result.StandardError;

        foreach (var secret in new[] { VaultPassword, BackupPassword, AwsSecret, AwsKeyId, LoggedPassword, PemBody })
        {
            Assert.DoesNotContain(secret, all, StringComparison.Ordinal);
        }

        Assert.Contains("KEEPSAKE_PASSWORD is set (value not shown)", result.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("exit 14 keepsake copy: the storage refused password=**redacted**", result.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("wrong password **redacted**", result.StandardOutput, StringComparison.Ordinal);
        Assert.Matches(System.Text.RegularExpressions.Regex.Escape("keepsake (Wi-Fi): " + pairRecords) + @", mode [0-7]{3}, 1 record\(s\): 00008030-00AA11BB22CC33DD", result.StandardOutput);
        Assert.Contains("AWS_SECRET_ACCESS_KEY is set (value not shown)", result.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("reachable: no", result.StandardOutput, StringComparison.Ordinal);
        Assert.Matches(@"version: keepsake \d+\.\d+\.\d+", result.StandardOutput);
    }

    [Fact]
    public void Doctor_AfterAFailedCommand_ListsItsErrorAndWritesAnOwnerOnlyFile()
    {
        using var home = new TempDirectory("keepsake-doctor");
        var env = Environment(home);
        var missing = home.Combine("no-vault-here");

        var failed = KeepsakeProcess.Run(["snapshots", "--vault", missing], env);
        Assert.Equal(ExitCodes.VaultNotFound, failed.ExitCode);

        var bundle = home.Combine("bundle.txt");
        KeepsakeProcess.Run(["doctor", "--output", bundle], env).EnsureSuccess("keepsake doctor");
        var text = File.ReadAllText(bundle);
        Assert.Matches($@"exit {ExitCodes.VaultNotFound} keepsake snapshots: .*no-vault-here", text);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(bundle));
        }

        Assert.DoesNotContain(VaultPassword, text, StringComparison.Ordinal);
    }

    [Fact]
    public void Doctor_Simulator_ReportsUsbmuxdAndLockdownAnswering()
    {
        using var home = new TempDirectory("keepsake-doctor");

        var result = KeepsakeProcess.Run(["doctor", "--simulator", "--output", "-"], Environment(home)).EnsureSuccess("keepsake doctor --simulator");

        Assert.Contains("reachable: yes, 1 device(s)", result.StandardOutput, StringComparison.Ordinal);
        Assert.Matches(@"lockdownd: answers \(ProductType iPhone[0-9,]+, ProductVersion \d+", result.StandardOutput);
        Assert.Contains("pair record in usbmuxd: ", result.StandardOutput, StringComparison.Ordinal);
    }

    private static Dictionary<string, string> Environment(TempDirectory home) => new()
    {
        ["HOME"] = home.Path,
        ["XDG_DATA_HOME"] = string.Empty,
        ["XDG_STATE_HOME"] = home.Combine("state"),
        ["KEEPSAKE_VAULT"] = string.Empty,
        ["KEEPSAKE_PASSWORD"] = VaultPassword,
        ["KEEPSAKE_BACKUP_PASSWORD"] = BackupPassword,
        ["AWS_SECRET_ACCESS_KEY"] = AwsSecret,
        ["AWS_ACCESS_KEY_ID"] = AwsKeyId,
        ["USBMUXD_SOCKET_ADDRESS"] = "UNIX:" + home.Combine("no-usbmuxd.sock"),
    };
}
