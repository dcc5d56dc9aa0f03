using System.Text.Json;
using Keepsake.TestKit;

namespace Keepsake.Cli.Tests;

/// <summary>The vault commands end to end, as a user runs them, checked with the real restic.</summary>
public sealed class VaultCommandsTests
{
    private const string VaultPassword = "vault-pw-for-cli-tests";

    [FixtureFact("mvt-ios-backup", "pyiosbackup-encrypted-mini")]
    public void ImportSnapshotsRestoreCheckForgetCopy_WorkTogetherAndResticAgrees()
    {
        using var dir = new TempDirectory();
        var vault = dir.Combine("vault");
        var env = Env(vault);
        var mvt = Fixtures.Path("mvt-ios-backup");

        KeepsakeProcess.Run(["import", mvt, Fixtures.Path("pyiosbackup-encrypted-mini", "ios10-sqlite")], env).EnsureSuccess("keepsake import");
        KeepsakeProcess.Run(["import", mvt], env).EnsureSuccess("keepsake import (again)");

        var snapshots = Json(KeepsakeProcess.Run(["snapshots", "--json"], env).EnsureSuccess("keepsake snapshots"));
        Assert.Equal(3, snapshots.Count);
        var mvtSnapshots = snapshots.Where(s => s.GetProperty("udid").GetString() == "1CB128EAFA77C5BE74283E9A3A2130AF36A3C059").ToList();
        Assert.Equal(2, mvtSnapshots.Count);
        Assert.Equal(mvtSnapshots[0].GetProperty("id").GetString(), mvtSnapshots[1].GetProperty("parent").GetString());
        var encrypted = Assert.Single(snapshots, s => s.GetProperty("encrypted").GetString() == "yes");

        // info and ls read a snapshot in place, encrypted ones with the backup's own password.
        var info = Json(KeepsakeProcess.Run(["info", mvtSnapshots[1].GetProperty("shortId").GetString()!, "--json"], env).EnsureSuccess("keepsake info SNAPSHOT"));
        Assert.Equal(1089, Assert.Single(info).GetProperty("files").GetInt32());
        var withBackupPassword = new Dictionary<string, string>(env) { ["KEEPSAKE_BACKUP_PASSWORD"] = "0000" };
        var listed = Json(KeepsakeProcess.Run(["ls", encrypted.GetProperty("shortId").GetString()!, "--json"], withBackupPassword).EnsureSuccess("keepsake ls SNAPSHOT"));
        Assert.Contains(listed, e => e.GetProperty("relativePath").GetString() == "Media/Test.txt");

        // restore gives back the folder byte for byte.
        var restored = dir.Combine("restored");
        KeepsakeProcess.Run(["restore", mvtSnapshots[1].GetProperty("id").GetString()!, "--to-folder", restored], env).EnsureSuccess("keepsake restore");
        foreach (var file in Directory.EnumerateFiles(mvt, "*", SearchOption.AllDirectories))
        {
            Assert.Equal(File.ReadAllBytes(file), File.ReadAllBytes(Path.Combine(restored, "mvt-ios-backup", Path.GetRelativePath(mvt, file))));
        }

        // check, then forget + prune, and restic still finds the vault sound.
        KeepsakeProcess.Run(["check", "--read-data"], env).EnsureSuccess("keepsake check");
        KeepsakeProcess.Run(["forget", "--keep-last", "1", "--prune"], env).EnsureSuccess("keepsake forget --prune");
        Restic(vault, VaultPassword, "check", "--read-data").EnsureSuccess("restic check after forget/prune");
        Assert.Equal(2, Json(KeepsakeProcess.Run(["snapshots", "--json"], env).EnsureSuccess("snapshots")).Count);

        // copy to a second vault with another password; restic checks it too.
        var offsite = dir.Combine("offsite");
        var copyEnv = new Dictionary<string, string>(env) { ["KEEPSAKE_TO_PASSWORD"] = "offsite-pw" };
        KeepsakeProcess.Run(["copy", "--to", offsite], copyEnv).EnsureSuccess("keepsake copy");
        Restic(offsite, "offsite-pw", "check", "--read-data").EnsureSuccess("restic check of the copy");
        var copied = JsonDocument.Parse(Restic(offsite, "offsite-pw", "snapshots", "--json").EnsureSuccess("restic snapshots").StandardOutput);
        Assert.Equal(2, copied.RootElement.GetArrayLength());
    }

    [Fact]
    public void Snapshots_NoVault_ExitsVaultNotFound()
    {
        using var dir = new TempDirectory();
        var result = KeepsakeProcess.Run(["snapshots"], Env(dir.Combine("none")));
        Assert.Equal(10, result.ExitCode);
        Assert.Contains("no vault", result.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public void Snapshots_WrongVaultPassword_ExitsWrongPasswordWithoutEchoingIt()
    {
        using var dir = new TempDirectory();
        var vault = dir.Combine("vault");
        KeepsakeProcess.Run(["init"], Env(vault)).EnsureSuccess("keepsake init");
        var result = KeepsakeProcess.Run(["snapshots"], new Dictionary<string, string> { ["KEEPSAKE_VAULT"] = vault, ["KEEPSAKE_PASSWORD"] = "guess-123" });
        Assert.Equal(12, result.ExitCode);
        Assert.DoesNotContain("guess-123", result.StandardError + result.StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public void Forget_WithoutPolicy_IsAUsageError()
    {
        using var dir = new TempDirectory();
        var vault = dir.Combine("vault");
        KeepsakeProcess.Run(["init"], Env(vault)).EnsureSuccess("keepsake init");
        var result = KeepsakeProcess.Run(["forget"], Env(vault));
        Assert.Equal(2, result.ExitCode);
    }

    private static Dictionary<string, string> Env(string vault) => new()
    {
        ["KEEPSAKE_VAULT"] = vault,
        ["KEEPSAKE_PASSWORD"] = VaultPassword,
    };

    private static List<JsonElement> Json(ToolResult result) =>
        JsonDocument.Parse(result.StandardOutput).RootElement.EnumerateArray().ToList();

    private static ToolResult Restic(string repo, string password, params string[] args) =>
        ExternalTool.Run("restic", ["--no-cache", "--no-lock", "-r", repo, .. args], TimeSpan.FromMinutes(3), new Dictionary<string, string> { ["RESTIC_PASSWORD"] = password });
}
