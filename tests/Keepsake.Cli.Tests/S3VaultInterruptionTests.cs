using System.Text.Json;
using Keepsake.TestKit;
using static Keepsake.Cli.Tests.S3VaultTests;

namespace Keepsake.Cli.Tests;

/// <summary>
/// S3 vaults when things go wrong: a copy killed mid-way and re-run, a server that goes away in the
/// middle of a backup. (A class of its own so that it runs beside <see cref="S3VaultTests"/>.)
/// </summary>
public sealed class S3VaultInterruptionTests
{
    [S3Fact]
    public async Task CopyToS3_KilledAtSeveralPointsAndRerun_ResticChecksEachTimeAndRerunCompletes()
    {
        await using var phone = await SimulatedPhoneHome.StartAsync(fill => FillPhone(fill, files: 24, size: 1024 * 1024));
        phone.Run("backup").EnsureSuccess("backup into the local vault");
        var bucket = S3TestServer.NewBucket("copy");
        var target = S3TestServer.Address(bucket, "offsite");
        var env = new Dictionary<string, string>(S3TestServer.CredentialEnvironment()) { ["KEEPSAKE_TO_PASSWORD"] = "offsite-pw", ["XDG_CACHE_HOME"] = string.Empty };
        using (var initHome = new TempDirectory("keepsake-home"))
        {
            // Only init creates a bucket: copy into a missing one is a typed error.
            Assert.Equal(10, phone.Run(env, "copy", "--to", target).ExitCode);
            KeepsakeProcess.Run(["init"], new Dictionary<string, string>(Env(initHome, target)) { ["KEEPSAKE_PASSWORD"] = "offsite-pw" }).EnsureSuccess("init the S3 vault");
        }

        var killed = 0;
        foreach (var after in new[] { 2.0, 4.0, 6.0 })
        {
            var run = new Dictionary<string, string>(phone.Env);
            foreach (var (k, v) in env)
            {
                run[k] = v;
            }

            try
            {
                // 2 MiB/s: the 24 MiB copy takes about 12 s, so each kill lands in the middle.
                var result = KeepsakeProcess.Run(["copy", "--to", target, "--limit-upload", "2048"], run, TimeSpan.FromSeconds(after));
                result.EnsureSuccess("copy finished before the kill");
            }
            catch (TimeoutException)
            {
                killed++;
            }

            ResticAs(target, "offsite-pw", "check").EnsureSuccess($"restic check after the copy killed at {after} s");
        }

        Assert.True(killed >= 2, $"only {killed} of the copies were killed mid-way");
        var done = phone.Run(env, "copy", "--to", target).EnsureSuccess("the rerun completes");
        Assert.Contains("copied", done.StandardOutput, StringComparison.Ordinal);
        ResticAs(target, "offsite-pw", "check", "--read-data").EnsureSuccess("restic check --read-data of the finished copy");
        Assert.Single(JsonDocument.Parse(ResticAs(target, "offsite-pw", "snapshots", "--json").EnsureSuccess("restic snapshots").StandardOutput).RootElement.EnumerateArray());
        Assert.Contains("0 copied, 1 already there", phone.Run(env, "copy", "--to", target).EnsureSuccess("a third copy").StandardOutput, StringComparison.Ordinal);
    }

    [S3Fact]
    public async Task ServerStopsMidBackup_TypedErrorAndNoHalfRecordedSnapshot()
    {
        await using var phone = await SimulatedPhoneHome.StartAsync(fill => FillPhone(fill, files: 8, size: 1024 * 1024));
        var bucket = S3TestServer.NewBucket("stop");
        var direct = S3TestServer.Address(bucket);
        using var home = new TempDirectory("keepsake-home");
        KeepsakeProcess.Run(["init"], Env(home, direct)).EnsureSuccess("keepsake init");

        await using var proxy = new DroppingProxy(new Uri(S3TestServer.Endpoint)) { DropAfterBytes = 3 * 1024 * 1024 };
        var through = new Dictionary<string, string>(phone.Env) { ["KEEPSAKE_VAULT"] = $"s3:{proxy.Endpoint}/{bucket}" };
        foreach (var (k, v) in S3TestServer.CredentialEnvironment())
        {
            through[k] = v;
        }

        through["KEEPSAKE_PASSWORD"] = VaultPassword;
        through["XDG_CACHE_HOME"] = string.Empty;
        var failed = KeepsakeProcess.Run(["backup"], through, TimeSpan.FromMinutes(2));
        Assert.True(proxy.IsDropping, "the proxy never dropped the connection");
        Assert.Equal(15, failed.ExitCode);
        Assert.Contains("did not answer", failed.StandardError, StringComparison.Ordinal);

        Assert.Equal(0, JsonDocument.Parse(KeepsakeProcess.Run(["snapshots", "--json"], Env(home, direct)).EnsureSuccess("snapshots").StandardOutput).RootElement.GetArrayLength());
        Restic(direct, "check").EnsureSuccess("restic check after the server went away");
    }
}
