using System.Security.Cryptography;
using System.Text.Json;
using Keepsake.Device.Simulator.Phone;
using Keepsake.TestKit;

namespace Keepsake.Cli.Tests;

/// <summary>
/// Vaults on the test run's S3 server (a real Ceph radosgw), driven through the command line as a
/// user would, and judged by Debian's restic reading the same bucket.
/// </summary>
public sealed class S3VaultTests
{
    internal const string VaultPassword = "vault-pw-for-s3-tests";

    [S3Fact]
    public void InitBackupRestoreCheckForgetPrune_OnS3Vault_ResticReadsTheSameVault()
    {
        using var home = new TempDirectory("keepsake-home");
        var vault = S3TestServer.Address(S3TestServer.NewBucket("cli"), "family/phones");
        var env = Env(home, vault);

        Assert.Equal(10, KeepsakeProcess.Run(["snapshots"], env).ExitCode);
        KeepsakeProcess.Run(["init"], env).EnsureSuccess("keepsake init (creates the bucket)");
        Assert.Equal(2, KeepsakeProcess.Run(["init"], env).ExitCode);
        var first = KeepsakeProcess.Run(["backup", "--simulator"], env).EnsureSuccess("keepsake backup --simulator");
        Assert.Matches(@"S3 s3:http://127\.0\.0\.1:\d+/ks-cli-[0-9a-f]+/family/phones: \d+ requests, .+ up, .+ down", first.StandardError);
        KeepsakeProcess.Run(["backup", "--simulator", "--full"], env).EnsureSuccess("second backup");

        var listed = KeepsakeProcess.Run(["snapshots", "--json"], env).EnsureSuccess("keepsake snapshots");
        var snapshots = JsonDocument.Parse(listed.StandardOutput).RootElement.EnumerateArray().ToList();
        Assert.Equal(2, snapshots.Count);
        var cost = JsonDocument.Parse(listed.StandardError.Trim().Split('\n')[^1]).RootElement;
        Assert.True(cost.GetProperty("requests").GetInt64() > 0);
        Assert.True(cost.GetProperty("bytesDownloaded").GetInt64() > 0);

        // restic sees the same snapshots, finds every byte sound and restores what keepsake restores.
        var theirs = JsonDocument.Parse(Restic(vault, "snapshots", "--json").EnsureSuccess("restic snapshots").StandardOutput).RootElement;
        Assert.Equal(snapshots.Select(s => s.GetProperty("id").GetString()).Order(), theirs.EnumerateArray().Select(s => s.GetProperty("id").GetString()).Order());
        Restic(vault, "check", "--read-data").EnsureSuccess("restic check --read-data");
        var ours = home.Combine("ours");
        KeepsakeProcess.Run(["restore", "latest", "--to-folder", ours], env).EnsureSuccess("keepsake restore");
        var resticTarget = home.Combine("theirs");
        Restic(vault, "restore", "latest", "--target", resticTarget).EnsureSuccess("restic restore");
        var ourManifest = Directory.GetFiles(ours, "Manifest.db", SearchOption.AllDirectories).Single();
        var theirManifest = Directory.GetFiles(resticTarget, "Manifest.db", SearchOption.AllDirectories).Single();
        Assert.Equal(SHA256.HashData(File.ReadAllBytes(ourManifest)), SHA256.HashData(File.ReadAllBytes(theirManifest)));

        KeepsakeProcess.Run(["check", "--read-data"], env).EnsureSuccess("keepsake check --read-data");
        var subset = KeepsakeProcess.Run(["check", "--read-data-subset=50%"], env).EnsureSuccess("keepsake check --read-data-subset");
        Assert.Contains("read", subset.StandardOutput, StringComparison.Ordinal);
        Assert.Equal(2, KeepsakeProcess.Run(["check", "--read-data-subset=150%"], env).ExitCode);

        KeepsakeProcess.Run(["forget", "--keep-last", "1", "--prune"], env).EnsureSuccess("keepsake forget --prune");
        Assert.Single(JsonDocument.Parse(Restic(vault, "snapshots", "--json").EnsureSuccess("restic snapshots").StandardOutput).RootElement.EnumerateArray());
        Restic(vault, "check", "--read-data").EnsureSuccess("restic check --read-data after prune");
    }

    [S3Fact]
    public async Task TwoConcurrentBackups_IntoOneS3Vault_BothLandAndResticChecks()
    {
        using var homeA = new TempDirectory("keepsake-home");
        using var homeB = new TempDirectory("keepsake-home");
        var vault = S3TestServer.Address(S3TestServer.NewBucket("two"));
        KeepsakeProcess.Run(["init"], Env(homeA, vault)).EnsureSuccess("keepsake init");

        var backups = await Task.WhenAll(
            Task.Run(() => KeepsakeProcess.Run(["backup", "--simulator"], Env(homeA, vault))),
            Task.Run(() => KeepsakeProcess.Run(["backup", "--simulator"], Env(homeB, vault))));
        backups[0].EnsureSuccess("backup from the first computer");
        backups[1].EnsureSuccess("backup from the second computer");

        var snapshots = JsonDocument.Parse(KeepsakeProcess.Run(["snapshots", "--json"], Env(homeA, vault)).EnsureSuccess("snapshots").StandardOutput).RootElement;
        Assert.Equal(2, snapshots.GetArrayLength());
        Restic(vault, "check", "--read-data").EnsureSuccess("restic check --read-data");
        Assert.Empty(Restic(vault, "list", "locks").EnsureSuccess("restic list locks").StandardOutput.Trim());
    }

    [S3Fact]
    public void WrongCredentials_AndMissingBucket_GiveTypedErrorsWithoutSecrets()
    {
        using var home = new TempDirectory("keepsake-home");
        var vault = S3TestServer.Address(S3TestServer.NewBucket("auth"));
        KeepsakeProcess.Run(["init"], Env(home, vault)).EnsureSuccess("keepsake init");

        var wrongSecret = new Dictionary<string, string>(Env(home, vault)) { ["AWS_SECRET_ACCESS_KEY"] = "not-the-secret-0123456789" };
        var denied = KeepsakeProcess.Run(["snapshots"], wrongSecret);
        Assert.Equal(14, denied.ExitCode);
        Assert.Contains("refused access", denied.StandardError, StringComparison.Ordinal);
        Assert.DoesNotContain("not-the-secret", denied.StandardError + denied.StandardOutput, StringComparison.Ordinal);
        Assert.DoesNotContain(S3TestServer.AccessKey, denied.StandardError + denied.StandardOutput, StringComparison.Ordinal);

        var unknownKey = new Dictionary<string, string>(Env(home, vault)) { ["AWS_ACCESS_KEY_ID"] = "NOSUCHKEY0123456789A" };
        Assert.Equal(14, KeepsakeProcess.Run(["backup", "--simulator"], unknownKey).ExitCode);

        var missing = KeepsakeProcess.Run(["snapshots"], Env(home, S3TestServer.Address(S3TestServer.NewBucket("none"))));
        Assert.Equal(10, missing.ExitCode);
        Assert.Contains("there is no bucket", missing.StandardError, StringComparison.Ordinal);
        Assert.Equal(10, KeepsakeProcess.Run(["backup", "--simulator"], Env(home, S3TestServer.Address(S3TestServer.NewBucket("none")))).ExitCode);
    }

    [S3Fact]
    public void UnknownSchemes_AreRefused_AndCreateNoFolder()
    {
        using var home = new TempDirectory("keepsake-home");
        foreach (var address in new[] { "sftp:user@host:/backups", "b2:bucket:keepsake", "foo:bar", "s3:", "s3:http://127.0.0.1:1/" })
        {
            var env = Env(home, address);
            foreach (var command in new[] { new[] { "init" }, ["snapshots"], ["backup", "--simulator"] })
            {
                var result = ExternalToolIn(home.Path, command, env);
                Assert.Equal(2, result.ExitCode);
                Assert.Contains("keepsake:", result.StandardError, StringComparison.Ordinal);
            }

            var copy = ExternalToolIn(home.Path, ["copy", "--to", address], Env(home, home.Combine("vault")));
            Assert.NotEqual(0, copy.ExitCode);
        }

        Assert.DoesNotContain(Directory.GetDirectories(home.Path), d => Path.GetFileName(d).Contains(':', StringComparison.Ordinal));
    }

    internal static Dictionary<string, string> Env(TempDirectory home, string vault)
    {
        var env = S3TestServer.IsAvailable ? S3TestServer.CredentialEnvironment() : [];
        env["HOME"] = home.Path;
        env["XDG_DATA_HOME"] = string.Empty;
        env["XDG_CACHE_HOME"] = string.Empty;
        env["KEEPSAKE_VAULT"] = vault;
        env["KEEPSAKE_PASSWORD"] = VaultPassword;
        return env;
    }

    private static ToolResult ExternalToolIn(string folder, string[] arguments, Dictionary<string, string> env) =>
        ExternalTool.Run("dotnet", [Path.Combine(AppContext.BaseDirectory, "keepsake.dll"), .. arguments], TimeSpan.FromMinutes(1), new Dictionary<string, string>(env) { ["DOTNET_NOLOGO"] = "1" }, workingDirectory: folder, standardInput: string.Empty);

    /// <summary>The built-in phone plus incompressible photos, so that uploads take measurable time.</summary>
    internal static void FillPhone(string folder, int files, int size)
    {
        BuiltInPhone.Generate(folder);
        for (var i = 0; i < files; i++)
        {
            BuiltInPhone.Write(folder, "CameraRollDomain", $"Media/DCIM/100APPLE/IMG_{i:D4}.HEIC", RandomNumberGenerator.GetBytes(size));
        }
    }

    internal static ToolResult Restic(string vault, params string[] args) => ResticAs(vault, VaultPassword, args);

    internal static ToolResult ResticAs(string vault, string password, params string[] args)
    {
        var env = S3TestServer.CredentialEnvironment();
        env["RESTIC_PASSWORD"] = password;
        return ExternalTool.Run("restic", ["--no-cache", "--no-lock", "-r", vault, .. args], TimeSpan.FromMinutes(3), env);
    }
}
