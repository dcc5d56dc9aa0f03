using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Keepsake.Benchmarks.Vault;

/// <summary>
/// <c>s3 [--size-mb N] [--rounds N] [--work DIR]</c>: Keepsake against restic on the same S3 server
/// (the test server of tests/s3-server.sh, from KEEPSAKE_TEST_S3_ENDPOINT / _ACCESS_KEY / _SECRET_KEY),
/// on the same generated Apple-shaped folder, in the same run: backup into an S3 vault, restore from
/// it, check --read-data of it, and copy of a local vault into a new S3 vault. Both tools run as child
/// processes measured the same way (<see cref="ChildProcess"/>). Requests are counted by the server
/// itself (radosgw's usage log, read with radosgw-admin when KEEPSAKE_TEST_S3_CONF names the cluster's
/// configuration), so both tools are counted the same way; Keepsake's own count is printed beside it.
/// </summary>
internal static partial class S3Benchmark
{
    private const string Password = "benchmark password";

    private static readonly string[] Steps = ["backup", "restore", "check --read-data", "copy (local to S3)"];

    [System.Runtime.Versioning.SupportedOSPlatform("linux")]
    public static int Run(string[] args)
    {
        var sizeMb = 256;
        var rounds = 1;
        string? work = null;
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--size-mb" when i + 1 < args.Length:
                    sizeMb = int.Parse(args[++i], CultureInfo.InvariantCulture);
                    break;
                case "--rounds" when i + 1 < args.Length:
                    rounds = int.Parse(args[++i], CultureInfo.InvariantCulture);
                    break;
                case "--work" when i + 1 < args.Length:
                    work = args[++i];
                    break;
                default:
                    Console.Error.WriteLine("usage: Keepsake.Benchmarks s3 [--size-mb N] [--rounds N] [--work DIR]");
                    return 2;
            }
        }

        var endpoint = Environment.GetEnvironmentVariable("KEEPSAKE_TEST_S3_ENDPOINT");
        var accessKey = Environment.GetEnvironmentVariable("KEEPSAKE_TEST_S3_ACCESS_KEY");
        var secretKey = Environment.GetEnvironmentVariable("KEEPSAKE_TEST_S3_SECRET_KEY");
        if (string.IsNullOrEmpty(endpoint) || string.IsNullOrEmpty(accessKey) || string.IsNullOrEmpty(secretKey))
        {
            Console.Error.WriteLine("s3: start a server first (tests/s3-server.sh start DIR; . DIR/env)");
            return 2;
        }

        var conf = Environment.GetEnvironmentVariable("KEEPSAKE_TEST_S3_CONF");
        work = Path.GetFullPath(work ?? Path.Combine(Path.GetTempPath(), "keepsake-s3-bench-" + Environment.ProcessId.ToString(CultureInfo.InvariantCulture)));
        Directory.CreateDirectory(work);
        var self = Environment.ProcessPath ?? throw new InvalidOperationException("Cannot tell how this program was started.");
        string[] selfPrefix = Path.GetFileNameWithoutExtension(self) == "dotnet" ? [Assembly.GetExecutingAssembly().Location] : [];
        var credentials = new Dictionary<string, string> { ["AWS_ACCESS_KEY_ID"] = accessKey, ["AWS_SECRET_ACCESS_KEY"] = secretKey };
        var resticEnv = new Dictionary<string, string>(credentials) { ["RESTIC_PASSWORD"] = Password, ["RESTIC_FROM_PASSWORD"] = Password, ["RESTIC_CACHE_DIR"] = Path.Combine(work, "restic-cache") };
        var keepsakeEnv = new Dictionary<string, string>(credentials) { [VaultStep.PasswordVariable] = Password, ["DOTNET_NOLOGO"] = "1" };
        var log = Path.Combine(work, "step.log");
        var results = Steps.ToDictionary(s => s, _ => new List<(Measurement Restic, Measurement Keepsake, long ResticRequests, long KeepsakeRequests, long KeepsakeOwnCount)>());
        long sourceBytes = 0;
        try
        {
            for (var round = 0; round < rounds; round++)
            {
                var source = Path.Combine(work, "source");
                if (!Directory.Exists(source))
                {
                    sourceBytes = AppleBackupGenerator.Generate(source, sizeMb * 1024L * 1024L, seed: 1);
                }

                var tag = $"{round}-{Environment.ProcessId}";
                string Vault(string who, string step) => $"s3:{endpoint}/bench-{who}-{step}-{tag}";
                var resticVault = Vault("restic", "vault");
                var keepsakeVault = Vault("keepsake", "vault");
                Console.WriteLine($"round {round + 1}/{rounds}: {sourceBytes / 1e6:F0} MB; load average {File.ReadAllText("/proc/loadavg").Trim()}");

                // Unmeasured set-up: both vaults, and a local vault of each tool for the copy step.
                ChildProcess.Run(log, resticEnv, "restic", ["-q", "-r", resticVault, "init"]);
                ChildProcess.Run(log, keepsakeEnv, self, [.. selfPrefix, "vault-step", "init", keepsakeVault]);
                var resticLocal = Path.Combine(work, $"restic-local-{round}");
                var keepsakeLocal = Path.Combine(work, $"keepsake-local-{round}");
                ChildProcess.Run(log, resticEnv, "restic", ["-q", "-r", resticLocal, "init"]);
                ChildProcess.Run(log, resticEnv, "restic", ["-q", "-r", resticLocal, "backup", "--host", "bench", source]);
                ChildProcess.Run(log, keepsakeEnv, self, [.. selfPrefix, "vault-step", "init", keepsakeLocal]);
                ChildProcess.Run(log, keepsakeEnv, self, [.. selfPrefix, "vault-step", "backup", keepsakeLocal, source]);
                var resticCopy = Vault("restic", "copy");
                var keepsakeCopy = Vault("keepsake", "copy");
                ChildProcess.Run(log, resticEnv, "restic", ["-q", "-r", resticCopy, "init", "--from-repo", resticLocal, "--copy-chunker-params"]);
                ChildProcess.Run(log, keepsakeEnv, self, [.. selfPrefix, "vault-step", "init", keepsakeCopy]);

                void Step(string name, string[] resticArgs, string[] keepsakeArgs)
                {
                    VaultBenchmark.MakeWritableAndDelete(Path.Combine(work, "restic-cache"));
                    var before = ServerRequests(conf);
                    var r = ChildProcess.Run(log, resticEnv, "restic", ["-q", .. resticArgs]);
                    var middle = ServerRequests(conf);
                    var k = ChildProcess.Run(log, keepsakeEnv, self, [.. selfPrefix, "vault-step", .. keepsakeArgs]);
                    var own = OwnCount().Match(File.ReadAllText(log)) is { Success: true } m ? long.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) : -1;
                    var after = ServerRequests(conf);
                    results[name].Add((r, k, middle - before, after - middle, own));
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"  {name,-20} restic {r.Seconds,7:F2} s {middle - before,6} requests   keepsake {k.Seconds,7:F2} s {after - middle,6} requests ({own} counted by keepsake)   speed keepsake/restic {r.Seconds / k.Seconds,5:F2}x"));
                }

                Step(Steps[0], ["-r", resticVault, "backup", "--host", "bench", source], ["backup", keepsakeVault, source]);
                var resticTarget = Path.Combine(work, $"restic-restore-{round}");
                var keepsakeTarget = Path.Combine(work, $"keepsake-restore-{round}");
                Step(Steps[1], ["-r", resticVault, "restore", "latest", "--target", resticTarget], ["restore", keepsakeVault, keepsakeTarget]);
                VaultBenchmark.MakeWritableAndDelete(resticTarget);
                VaultBenchmark.MakeWritableAndDelete(keepsakeTarget);
                Step(Steps[2], ["-r", resticVault, "check", "--read-data"], ["check", keepsakeVault]);
                Step(Steps[3], ["-r", resticCopy, "copy", "--from-repo", resticLocal], ["copy", keepsakeLocal, keepsakeCopy]);
                VaultBenchmark.MakeWritableAndDelete(resticLocal);
                VaultBenchmark.MakeWritableAndDelete(keepsakeLocal);
            }

            Console.WriteLine();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{sourceBytes / 1e6:F0} MB source, {rounds} rounds, against {endpoint}; best time of each side, requests as the server counted them"));
            Console.WriteLine();
            Console.WriteLine("| step | restic s | keepsake s | speed keepsake/restic | restic MB/s | keepsake MB/s | restic requests | keepsake requests |");
            Console.WriteLine("| --- | --- | --- | --- | --- | --- | --- | --- |");
            foreach (var step in Steps)
            {
                var r = results[step].MinBy(x => x.Restic.Seconds);
                var k = results[step].MinBy(x => x.Keepsake.Seconds);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"| {step} | {r.Restic.Seconds:F2} | {k.Keepsake.Seconds:F2} | {r.Restic.Seconds / k.Keepsake.Seconds:F2}x | {sourceBytes / 1e6 / r.Restic.Seconds:F0} | {sourceBytes / 1e6 / k.Keepsake.Seconds:F0} | {Count(r.ResticRequests)} | {Count(k.KeepsakeRequests)} ({k.KeepsakeOwnCount} own count) |"));
            }

            return 0;
        }
        finally
        {
            VaultBenchmark.MakeWritableAndDelete(work);
        }
    }

    private static string Count(long requests) => requests < 0 ? "n/a" : requests.ToString(CultureInfo.InvariantCulture);

    /// <summary>All requests radosgw has logged so far (every user and bucket), or -1 without its configuration.</summary>
    private static long ServerRequests(string? conf)
    {
        if (string.IsNullOrEmpty(conf))
        {
            return -1;
        }

        // The usage log is flushed every second (rgw usage log tick interval = 1 in tests/s3-server.sh).
        Thread.Sleep(2500);
        var psi = new ProcessStartInfo("radosgw-admin", ["-c", conf, "-n", "client.admin", "usage", "show", "--show-log-entries=false"]) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(psi)!;
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        using var json = JsonDocument.Parse(output);
        long ops = 0;
        foreach (var user in json.RootElement.GetProperty("summary").EnumerateArray())
        {
            ops += user.GetProperty("total").GetProperty("ops").GetInt64();
        }

        return ops;
    }

    [GeneratedRegex(@"s3 usage: (\d+) requests")]
    private static partial Regex OwnCount();
}
