using System.Globalization;
using Keepsake.Benchmarks.Vault;

namespace Keepsake.Benchmarks.Startup;

/// <summary>
/// <c>startup --keepsake PATH [--runs N] [--phone-size SIZE] [--work DIR] [--keep]</c>: start-up of short
/// commands, Keepsake against restic, as whole processes on the same vault in the same run:
/// <c>keepsake --version</c> / <c>restic version</c>, <c>snapshots</c> / <c>snapshots</c> and
/// <c>ls latest</c> / <c>ls latest</c>. The vault is made once by <c>PATH backup --simulator</c> (a small
/// generated phone), so restic reads the very vault Keepsake wrote. Each pair runs N times (at least 7),
/// the side that goes first alternating; both are measured by <see cref="ChildProcess"/> (wall from spawn
/// to reaping, CPU = user + system from wait4, peak RSS). The table gives medians and the ratio of the medians.
/// PATH is the program to judge: the release executable from <c>./build.sh dist</c>, or the apphost that
/// <c>dotnet build</c> leaves in src/Keepsake.Cli/bin/Release/net10.0/keepsake.
/// </summary>
internal static class StartupBenchmark
{
    private const string Password = "benchmark password";

    [System.Runtime.Versioning.SupportedOSPlatform("linux")]
    public static int Run(string[] args)
    {
        string? keepsake = null;
        var runs = 9;
        var phoneSize = "8MiB";
        string? work = null;
        var keep = false;
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--keepsake" when i + 1 < args.Length:
                    keepsake = Path.GetFullPath(args[++i]);
                    break;
                case "--runs" when i + 1 < args.Length:
                    runs = Math.Max(7, int.Parse(args[++i], CultureInfo.InvariantCulture));
                    break;
                case "--phone-size" when i + 1 < args.Length:
                    phoneSize = args[++i];
                    break;
                case "--work" when i + 1 < args.Length:
                    work = args[++i];
                    break;
                case "--keep":
                    keep = true;
                    break;
                default:
                    Console.Error.WriteLine("usage: Keepsake.Benchmarks startup --keepsake PATH [--runs N (>= 7)] [--phone-size SIZE] [--work DIR] [--keep]");
                    return 2;
            }
        }

        if (keepsake is null || !File.Exists(keepsake))
        {
            Console.Error.WriteLine("startup: give the keepsake executable to measure with --keepsake PATH");
            return 2;
        }

        work = Path.GetFullPath(work ?? Path.Combine(Path.GetTempPath(), "keepsake-startup-bench-" + Environment.ProcessId.ToString(CultureInfo.InvariantCulture)));
        Directory.CreateDirectory(work);
        try
        {
            var vault = Path.Combine(work, "vault");
            var home = Path.Combine(work, "home");
            Directory.CreateDirectory(home);
            var log = Path.Combine(work, "step.log");
            var keepsakeEnv = new Dictionary<string, string>
            {
                ["KEEPSAKE_PASSWORD"] = Password, ["KEEPSAKE_VAULT"] = vault, ["HOME"] = home, ["XDG_DATA_HOME"] = string.Empty,
                ["XDG_STATE_HOME"] = string.Empty, ["DOTNET_NOLOGO"] = "1",
            };
            var resticEnv = new Dictionary<string, string>
            {
                ["RESTIC_PASSWORD"] = Password, ["RESTIC_REPOSITORY"] = vault, ["RESTIC_CACHE_DIR"] = Path.Combine(work, "restic-cache"),
            };
            var made = ChildProcess.Run(log, keepsakeEnv, keepsake, ["backup", "--simulator", "--phone-size", phoneSize]);
            if (!File.Exists(Path.Combine(vault, "config")))
            {
                Console.Error.WriteLine($"startup: the vault was not made; the log says:{Environment.NewLine}{File.ReadAllText(log)}");
                return 1;
            }

            var load = File.ReadAllText("/proc/loadavg").Trim();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"vault made by '{Path.GetFileName(keepsake)} backup --simulator --phone-size {phoneSize}' in {made.Seconds:F1} s; {runs} runs per command; load average {load}"));
            (string Name, string[] Keepsake, string[] Restic)[] pairs =
            [
                ("--version / version", ["--version"], ["version"]),
                ("snapshots", ["snapshots"], ["snapshots"]),
                ("ls latest", ["ls", "latest"], ["ls", "latest"]),
            ];
            var rows = new List<string>();
            foreach (var (name, keepsakeArgs, resticArgs) in pairs)
            {
                // One warm-up each (page cache, restic's cache, the single file's extraction), not counted.
                ChildProcess.Run(log, keepsakeEnv, keepsake, keepsakeArgs);
                ChildProcess.Run(log, resticEnv, "restic", resticArgs);
                var k = new List<Measurement>();
                var r = new List<Measurement>();
                for (var run = 0; run < runs; run++)
                {
                    if (run % 2 == 0)
                    {
                        k.Add(ChildProcess.Run(log, keepsakeEnv, keepsake, keepsakeArgs));
                        r.Add(ChildProcess.Run(log, resticEnv, "restic", resticArgs));
                    }
                    else
                    {
                        r.Add(ChildProcess.Run(log, resticEnv, "restic", resticArgs));
                        k.Add(ChildProcess.Run(log, keepsakeEnv, keepsake, keepsakeArgs));
                    }
                }

                double Median(List<Measurement> m, Func<Measurement, double> f)
                {
                    var sorted = m.Select(f).Order().ToList();
                    return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
                }

                var kCpu = Median(k, m => m.CpuSeconds);
                var rCpu = Median(r, m => m.CpuSeconds);
                var kWall = Median(k, m => m.Seconds);
                var rWall = Median(r, m => m.Seconds);
                var kRss = Median(k, m => m.PeakRssKb) / 1024;
                var rRss = Median(r, m => m.PeakRssKb) / 1024;
                rows.Add(string.Create(CultureInfo.InvariantCulture,
                    $"| {name} | {kCpu * 1000:F0} | {rCpu * 1000:F0} | {kCpu / rCpu:F2} | {kWall * 1000:F0} | {rWall * 1000:F0} | {kWall / rWall:F2} | {(kWall - rWall) * 1000:+0;-0} | {kRss:F0} / {rRss:F0} |"));
            }

            Console.WriteLine();
            Console.WriteLine("medians over the runs, whole processes; ratio = keepsake / restic (below 1: keepsake uses less)");
            Console.WriteLine();
            Console.WriteLine("| command | keepsake CPU ms | restic CPU ms | CPU ratio | keepsake wall ms | restic wall ms | wall ratio | wall difference ms | peak RSS MiB keepsake / restic |");
            Console.WriteLine("| --- | --- | --- | --- | --- | --- | --- | --- | --- |");
            rows.ForEach(Console.WriteLine);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"load average at the end: {File.ReadAllText("/proc/loadavg").Trim()}"));
            return 0;
        }
        finally
        {
            if (!keep)
            {
                VaultBenchmark.MakeWritableAndDelete(work);
            }
        }
    }
}
