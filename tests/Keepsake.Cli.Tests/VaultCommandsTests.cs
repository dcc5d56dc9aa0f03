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
        // Both imports carry the backup's own date, so the order between them is not what tells them apart: the parent is.
        var child = Assert.Single(mvtSnapshots, s => s.TryGetProperty("parent", out var p) && p.ValueKind == JsonValueKind.String);
        var firstImport = Assert.Single(mvtSnapshots, s => s.GetProperty("id").GetString() != child.GetProperty("id").GetString());
        Assert.Equal(firstImport.GetProperty("id").GetString(), child.GetProperty("parent").GetString());
        mvtSnapshots = [firstImport, child];
        var encrypted = Assert.Single(snapshots, s => s.GetProperty("encrypted").ValueKind == System.Text.Json.JsonValueKind.True);

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

    [FixtureFact("mvt-ios-backup")]
    public void Diff_VaultAndPasswordFileOptions_PrintsWhatResticDiffPrints()
    {
        using var dir = new TempDirectory();
        var vault = dir.Combine("vault");
        var passwordFile = dir.Combine("vault-password.txt");
        File.WriteAllText(passwordFile, VaultPassword + "\n");

        // No KEEPSAKE_VAULT or KEEPSAKE_PASSWORD: only --vault and --password-file say where and how.
        // A default vault, were --vault ignored, would land in this data folder instead.
        var dataHome = dir.Combine("data-home");
        var env = new Dictionary<string, string> { ["XDG_DATA_HOME"] = dataHome, ["HOME"] = dir.Combine("home") };
        var phone = dir.CopyFrom(Fixtures.Path("mvt-ios-backup"), "phone");
        KeepsakeProcess.Run(["import", phone, "--vault", vault, "--password-file", passwordFile], env).EnsureSuccess("keepsake import");
        Assert.True(File.Exists(Path.Combine(vault, "config")), "no vault at --vault");
        Assert.False(Directory.Exists(dataHome), "a default vault was created despite --vault");

        // Added (in a new folder), removed, and changed files, then a second import of the same device.
        var changed = Directory.EnumerateFiles(Path.Combine(phone, "7c")).First();
        var removed = Directory.EnumerateFiles(Path.Combine(phone, "64")).First();
        File.AppendAllText(changed, "changed");
        File.Delete(removed);
        Directory.CreateDirectory(Path.Combine(phone, "ff"));
        File.WriteAllText(Path.Combine(phone, "ff", "ff00000000000000000000000000000000000001"), "added");
        KeepsakeProcess.Run(["--vault", vault, "import", phone, "--password-file", passwordFile], env).EnsureSuccess("keepsake import (changed)");

        var snapshots = Json(KeepsakeProcess.Run(["snapshots", "--json", "--vault", vault, "--password-file", passwordFile], env).EnsureSuccess("keepsake snapshots"));
        Assert.Equal(2, snapshots.Count);
        // Both imports carry the backup's own date (unchanged here), so the second is told by its parent, not by the order.
        var second = Assert.Single(snapshots, s => s.TryGetProperty("parent", out var p) && p.ValueKind == JsonValueKind.String);
        var (a, b) = (second.GetProperty("parent").GetString()!, second.GetProperty("id").GetString()!);

        var ours = KeepsakeProcess.Run(["diff", a, b, "--raw", "--vault", vault, "--password-file", passwordFile], env).EnsureSuccess("keepsake diff").StandardOutput;
        var theirs = Restic(vault, VaultPassword, "diff", a, b).EnsureSuccess("restic diff").StandardOutput;
        static List<string> Changes(string output) =>
            [.. output.Split('\n').Where(l => l.Length > 5 && l[0] is '+' or '-' or 'M' or 'T' && l[1] is ' ' or 'M')];
        Assert.Equal(Changes(theirs), Changes(ours));
        var phonePath = Path.GetFullPath(phone);
        Assert.Contains($"M    {phonePath}/7c/{Path.GetFileName(changed)}", Changes(ours));
        Assert.Contains($"-    {phonePath}/64/{Path.GetFileName(removed)}", Changes(ours));
        Assert.Contains($"+    {phonePath}/ff/", Changes(ours));
        Assert.Contains($"+    {phonePath}/ff/ff00000000000000000000000000000000000001", Changes(ours));

        // --json says the same.
        var json = Json(KeepsakeProcess.Run(["diff", a[..8], b[..8], "--raw", "--json", "--vault", vault, "--password-file", passwordFile], env).EnsureSuccess("keepsake diff --json"));
        Assert.Equal(Changes(theirs), json.Select(c => $"{c.GetProperty("modifier").GetString(),-5}{c.GetProperty("path").GetString()}").ToList());
    }

    [FixtureFact("mvt-ios-backup", "pyiosbackup-encrypted-mini")]
    public void LsAndExtract_Snapshot_ReadInPlaceAsFromTheFolder()
    {
        using var dir = new TempDirectory();
        var vault = dir.Combine("vault");
        var env = Env(vault);
        var plain = dir.CopyFrom(Fixtures.Path("mvt-ios-backup"), "plain");
        var encrypted = dir.CopyFrom(Fixtures.Path("pyiosbackup-encrypted-mini", "ios10-sqlite"), "encrypted");
        KeepsakeProcess.Run(["import", plain, encrypted], env).EnsureSuccess("keepsake import");
        var withBackupPassword = new Dictionary<string, string>(env) { ["KEEPSAKE_BACKUP_PASSWORD"] = "0000" };

        // What ls and extract say of each folder...
        var expectedLs = new Dictionary<string, string>();
        var expectedExtract = new Dictionary<string, string>();
        var expectedExtractResult = new Dictionary<string, ToolResult>();
        foreach (var folder in new[] { plain, encrypted })
        {
            expectedLs[folder] = KeepsakeProcess.Run(["ls", folder, "--json"], withBackupPassword).EnsureSuccess("keepsake ls FOLDER").StandardOutput;
            expectedExtract[folder] = dir.Combine("from-folder-" + Path.GetFileName(folder));

            // The mvt backup is partial (its manifest lists files it lacks): extract says so with exit code 3.
            expectedExtractResult[folder] = KeepsakeProcess.Run(["extract", folder, expectedExtract[folder]], withBackupPassword);
            Assert.True(expectedExtractResult[folder].ExitCode is 0 or 3, expectedExtractResult[folder].StandardError);
        }

        // ...they say of its snapshot once the folder is gone: read from the vault, restored nowhere
        // (the temporary folder is left empty).
        var snapshots = Json(KeepsakeProcess.Run(["snapshots", "--json"], env).EnsureSuccess("keepsake snapshots"));
        var temp = dir.Combine("tmp");
        Directory.CreateDirectory(temp);
        var snapshotEnv = new Dictionary<string, string>(withBackupPassword) { ["TMPDIR"] = temp };
        foreach (var folder in new[] { plain, encrypted })
        {
            var snapshot = snapshots.Single(s => s.GetProperty("paths")[0].GetString() == Path.GetFullPath(folder)).GetProperty("shortId").GetString()!;
            Directory.Delete(folder, recursive: true);
            var ls = KeepsakeProcess.Run(["ls", snapshot, "--json"], snapshotEnv).EnsureSuccess("keepsake ls SNAPSHOT").StandardOutput;
            Assert.Equal(expectedLs[folder], ls);
            var extracted = dir.Combine("from-snapshot-" + Path.GetFileName(folder));
            var result = KeepsakeProcess.Run(["extract", snapshot, extracted], snapshotEnv);
            Assert.Equal(expectedExtractResult[folder].ExitCode, result.ExitCode);
            Assert.Equal(expectedExtractResult[folder].StandardError, result.StandardError);
            AssertSameFiles(expectedExtract[folder], extracted);
            Assert.DoesNotContain(Directory.EnumerateFiles(temp, "*", SearchOption.AllDirectories), f => new FileInfo(f).Length > 0);
        }

        Assert.True(Directory.EnumerateFiles(expectedExtract[encrypted], "*", SearchOption.AllDirectories).Any(), "the encrypted backup extracted nothing");
    }

    [Fact]
    public void Snapshots_PasswordFileMissing_ExitsWithoutCreatingAnything()
    {
        using var dir = new TempDirectory();
        var vault = dir.Combine("vault");
        KeepsakeProcess.Run(["init"], Env(vault)).EnsureSuccess("keepsake init");
        var result = KeepsakeProcess.Run(["snapshots", "--vault", vault, "--password-file", dir.Combine("no-such-file")]);
        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("no-such-file", result.StandardError, StringComparison.Ordinal);
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

    private static void AssertSameFiles(string expected, string actual)
    {
        var e = Directory.EnumerateFiles(expected, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(expected, f)).Order(StringComparer.Ordinal).ToList();
        var a = Directory.EnumerateFiles(actual, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(actual, f)).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(e, a);
        foreach (var file in e)
        {
            Assert.True(File.ReadAllBytes(Path.Combine(expected, file)).AsSpan().SequenceEqual(File.ReadAllBytes(Path.Combine(actual, file))), $"{file} differs");
        }
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
