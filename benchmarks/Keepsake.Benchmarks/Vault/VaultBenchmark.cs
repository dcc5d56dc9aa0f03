using System.Globalization;
using System.Reflection;

namespace Keepsake.Benchmarks.Vault;

/// <summary>
/// <c>vault [--size-mb N] [--rounds N] [--work DIR] [--keep]</c>: Keepsake's vault against restic on
/// the same generated Apple-shaped backup folder, in the same run: first backup, backup after
/// changing 1%, unchanged backup, restore, and check --read-data. Both tools run as child processes
/// measured the same way (<see cref="ChildProcess"/>: wall time including start-up, peak RSS and CPU
/// time from wait4). Rounds are interleaved, and within a round the side that goes first alternates;
/// the best time of each side is kept and the spread is printed.
/// </summary>
internal static class VaultBenchmark
{
    private const string Password = "benchmark password";

    private static readonly string[] Steps = ["backup (first)", "backup (1% changed)", "backup (unchanged)", "restore", "check --read-data"];

    [System.Runtime.Versioning.SupportedOSPlatform("linux")]
    public static int Run(string[] args)
    {
        var sizeMb = 1024;
        var rounds = 3;
        string? work = null;
        var keep = false;
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
                case "--keep":
                    keep = true;
                    break;
                default:
                    Console.Error.WriteLine("usage: Keepsake.Benchmarks vault [--size-mb N] [--rounds N] [--work DIR] [--keep]");
                    return 2;
            }
        }

        work = Path.GetFullPath(work ?? Path.Combine(Path.GetTempPath(), "keepsake-vault-bench-" + Environment.ProcessId.ToString(CultureInfo.InvariantCulture)));
        Directory.CreateDirectory(work);
        var (selfProgram, selfPrefix) = Self();
        var results = Steps.ToDictionary(s => s, _ => (Restic: new List<Measurement>(), Keepsake: new List<Measurement>()));
        long sourceBytes = 0;
        var loads = new List<string>();
        try
        {
            var source = Path.Combine(work, "source");
            for (var round = 0; round < rounds; round++)
            {
                // The same folder each round (same seed), written fresh and synced to disk.
                MakeWritableAndDelete(source);
                sourceBytes = AppleBackupGenerator.Generate(source, sizeMb * 1024L * 1024L, seed: 1);
                ChildProcess.Sync();
                var files = Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories).Count();
                var load = File.ReadAllText("/proc/loadavg").Trim();
                loads.Add(load);
                Console.WriteLine($"round {round + 1}/{rounds}: {sourceBytes / 1e6:F0} MB in {files} files; load average {load}");

                var resticRepo = Path.Combine(work, "restic-repo");
                var keepsakeRepo = Path.Combine(work, "keepsake-repo");
                MakeWritableAndDelete(resticRepo);
                MakeWritableAndDelete(keepsakeRepo);
                MakeWritableAndDelete(Path.Combine(work, "restic-cache"));
                var resticEnv = new Dictionary<string, string> { ["RESTIC_PASSWORD"] = Password, ["RESTIC_CACHE_DIR"] = Path.Combine(work, "restic-cache") };
                var keepsakeEnv = new Dictionary<string, string> { [VaultStep.PasswordVariable] = Password, ["DOTNET_NOLOGO"] = "1" };
                var log = Path.Combine(work, "step.log");
                ChildProcess.Run(log, resticEnv, "restic", ["-q", "-r", resticRepo, "init"]);
                ChildProcess.Run(log, keepsakeEnv, selfProgram, [.. selfPrefix, "vault-step", "init", keepsakeRepo]);

                var resticFirst = round % 2 == 0;
                void Step(string name, string[] resticArgs, string[] keepsakeArgs)
                {
                    Measurement r = default, k = default;
                    for (var side = 0; side < 2; side++)
                    {
                        ChildProcess.Sync();
                        if ((side == 0) == resticFirst)
                        {
                            r = ChildProcess.Run(log, resticEnv, "restic", ["-q", "-r", resticRepo, .. resticArgs]);
                        }
                        else
                        {
                            k = ChildProcess.Run(log, keepsakeEnv, selfProgram, [.. selfPrefix, "vault-step", .. keepsakeArgs]);
                        }
                    }

                    results[name].Restic.Add(r);
                    results[name].Keepsake.Add(k);
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"  {name,-20} restic {r.Seconds,7:F2} s {r.PeakRssKb / 1024,5} MiB   keepsake {k.Seconds,7:F2} s {k.PeakRssKb / 1024,5} MiB   time restic/keepsake {r.Seconds / k.Seconds,5:F2}x"));
                }

                Step(Steps[0], ["backup", "--host", "bench", source], ["backup", keepsakeRepo, source]);
                AppleBackupGenerator.Change(source, 0.01, seed: 2);
                Step(Steps[1], ["backup", "--host", "bench", source], ["backup", keepsakeRepo, source]);
                Step(Steps[2], ["backup", "--host", "bench", source], ["backup", keepsakeRepo, source]);
                // Fresh target folders, removed after the step rather than before: ext4 searches longer
                // for a free inode right after thousands were freed, which made restores after a
                // deletion vary by seconds whichever tool ran them.
                var resticTarget = Path.Combine(work, $"restic-restore-{round}");
                var keepsakeTarget = Path.Combine(work, $"keepsake-restore-{round}");
                Step(Steps[3], ["restore", "latest", "--target", resticTarget], ["restore", keepsakeRepo, keepsakeTarget]);
                MakeWritableAndDelete(resticTarget);
                MakeWritableAndDelete(keepsakeTarget);
                Step(Steps[4], ["check", "--read-data"], ["check", keepsakeRepo]);
                if (round == rounds - 1)
                {
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"repository size: restic {DirectorySize(resticRepo) / 1e6:F0} MB, keepsake {DirectorySize(keepsakeRepo) / 1e6:F0} MB"));
                }
            }

            Console.WriteLine();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{sourceBytes / 1e6:F0} MB source, {rounds} rounds, load averages: {string.Join(" | ", loads)}"));
            Console.WriteLine("best time of each side (spread over rounds in brackets); peak RSS is the highest of the rounds");
            Console.WriteLine();
            Console.WriteLine("| step | restic s | keepsake s | speed keepsake/restic | restic MB/s | keepsake MB/s | restic peak RSS | keepsake peak RSS | RSS keepsake/restic | CPU s restic / keepsake |");
            Console.WriteLine("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |");
            foreach (var step in Steps)
            {
                var (restic, keepsake) = results[step];
                var r = restic.MinBy(m => m.Seconds);
                var k = keepsake.MinBy(m => m.Seconds);
                var rRss = restic.Max(m => m.PeakRssKb) / 1024.0;
                var kRss = keepsake.Max(m => m.PeakRssKb) / 1024.0;
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"| {step} | {r.Seconds:F2} ({Spread(restic)}) | {k.Seconds:F2} ({Spread(keepsake)}) | {r.Seconds / k.Seconds:F2}x | {sourceBytes / 1e6 / r.Seconds:F0} | {sourceBytes / 1e6 / k.Seconds:F0} | {rRss:F0} MiB | {kRss:F0} MiB | {kRss / rRss:F2} | {r.CpuSeconds:F1} / {k.CpuSeconds:F1} |"));
            }

            return 0;
        }
        finally
        {
            if (!keep)
            {
                MakeWritableAndDelete(work);
            }
        }
    }

    private static string Spread(List<Measurement> runs) =>
        string.Create(CultureInfo.InvariantCulture, $"{runs.Min(m => m.Seconds):F2}–{runs.Max(m => m.Seconds):F2}");

    /// <summary>How to start this benchmark program again: its apphost, or dotnet with its dll.</summary>
    private static (string Program, string[] Prefix) Self()
    {
        var process = Environment.ProcessPath ?? throw new InvalidOperationException("Cannot tell how this program was started.");
        return Path.GetFileNameWithoutExtension(process) == "dotnet"
            ? (process, [Assembly.GetExecutingAssembly().Location])
            : (process, []);
    }

    private static long DirectorySize(string path) =>
        Directory.EnumerateFiles(path, "*", SearchOption.AllDirectories).Sum(f => new FileInfo(f).Length);

    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    internal static void MakeWritableAndDelete(string path)
    {
        if (!Directory.Exists(path))
        {
            return;
        }

        foreach (var d in Directory.EnumerateDirectories(path, "*", SearchOption.AllDirectories))
        {
            File.SetUnixFileMode(d, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        foreach (var f in Directory.EnumerateFiles(path, "*", SearchOption.AllDirectories))
        {
            File.SetUnixFileMode(f, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        Directory.Delete(path, recursive: true);
    }
}
