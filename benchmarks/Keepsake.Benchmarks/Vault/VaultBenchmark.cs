using System.Diagnostics;
using System.Globalization;
using Keepsake.Primitives;
using Keepsake.Repository;
using Keepsake.Repository.Backends.Local;
using VaultRepository = Keepsake.Repository.Repository;

namespace Keepsake.Benchmarks.Vault;

/// <summary>
/// <c>vault [--size-mb N] [--work DIR]</c>: Keepsake's vault against restic on the same generated
/// Apple-shaped backup folder in the same run: first backup, backup after changing 1%, unchanged
/// backup, restore, and check --read-data. Prints seconds and the ratio restic/Keepsake (above 1 =
/// Keepsake faster), and Keepsake's and restic's peak memory.
/// </summary>
internal static class VaultBenchmark
{
    private const string Password = "benchmark password";

    public static async Task<int> RunAsync(string[] args)
    {
        var sizeMb = 1024;
        string? work = null;
        for (var i = 0; i < args.Length; i++)
        {
            if (args[i] == "--size-mb" && i + 1 < args.Length)
            {
                sizeMb = int.Parse(args[++i], CultureInfo.InvariantCulture);
            }
            else if (args[i] == "--work" && i + 1 < args.Length)
            {
                work = args[++i];
            }
        }

        work ??= Path.Combine(Path.GetTempPath(), "keepsake-vault-bench-" + Environment.ProcessId);
        Directory.CreateDirectory(work);
        try
        {
            var source = Path.Combine(work, "source");
            Console.WriteLine($"generating {sizeMb} MiB Apple-shaped backup folder in {source} ...");
            var bytes = AppleBackupGenerator.Generate(source, sizeMb * 1024L * 1024L, seed: 1);
            var files = Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories).Count();
            Console.WriteLine($"{bytes / 1048576.0:F0} MiB in {files} files");

            var resticRepo = Path.Combine(work, "restic-repo");
            var keepsakeRepo = Path.Combine(work, "keepsake-repo");
            var env = new Dictionary<string, string> { ["RESTIC_PASSWORD"] = Password, ["RESTIC_CACHE_DIR"] = Path.Combine(work, "restic-cache") };
            Restic(env, resticRepo, "init");
            using var password = Secret.FromString(Password);
            using var repo = await VaultRepository.InitAsync(new LocalBackend(keepsakeRepo), password);

            var rows = new List<(string Step, double Restic, double Keepsake, long ResticRssKb, long KeepsakePeakMb)>();
            async Task StepAsync(string name, string[] resticArgs, Func<Task> keepsake)
            {
                DropCachesHint();
                var (resticSeconds, rss) = Restic(env, resticRepo, resticArgs);
                DropCachesHint();
                var sw = Stopwatch.StartNew();
                await keepsake();
                using var self = Process.GetCurrentProcess();
                var peak = self.PeakWorkingSet64 / 1048576;
                rows.Add((name, resticSeconds, sw.Elapsed.TotalSeconds, rss, peak));
                Console.WriteLine($"{name,-22} restic {resticSeconds,7:F2} s   keepsake {sw.Elapsed.TotalSeconds,7:F2} s   ratio {resticSeconds / sw.Elapsed.TotalSeconds,5:F2}x   keepsake peak so far {peak} MiB");
            }

            await StepAsync("backup (first)", ["backup", "--host", "bench", source], () => repo.BackupAsync(source, new BackupOptions { Host = "bench" }));
            AppleBackupGenerator.Change(source, 0.01, seed: 2);
            await StepAsync("backup (1% changed)", ["backup", "--host", "bench", source], () => repo.BackupAsync(source, new BackupOptions { Host = "bench" }));
            await StepAsync("backup (unchanged)", ["backup", "--host", "bench", source], () => repo.BackupAsync(source, new BackupOptions { Host = "bench" }));
            var resticTarget = Path.Combine(work, "restic-restore");
            var keepsakeTarget = Path.Combine(work, "keepsake-restore");
            await StepAsync("restore", ["restore", "latest", "--target", resticTarget], async () =>
            {
                var latest = await repo.FindSnapshotAsync("latest");
                await repo.RestoreAsync(latest, keepsakeTarget);
            });
            await StepAsync("check --read-data", ["check", "--read-data"], async () =>
            {
                repo.InvalidateIndex();
                var result = await repo.CheckAsync(readData: true);
                if (!result.IsOk)
                {
                    throw new InvalidOperationException("Keepsake check failed: " + string.Join("; ", result.Errors));
                }
            });

            var resticSize = DirectorySize(resticRepo);
            var keepsakeSize = DirectorySize(keepsakeRepo);
            Console.WriteLine();
            Console.WriteLine("| step | restic s | keepsake s | restic/keepsake | restic peak RSS | keepsake peak so far |");
            Console.WriteLine("| --- | --- | --- | --- | --- | --- |");
            foreach (var (step, r, k, rss, peak) in rows)
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {step} | {r:F2} | {k:F2} | {r / k:F2}x | {rss / 1024} MiB | {peak} MiB |"));
            }

            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Keepsake peak working set: {Process.GetCurrentProcess().PeakWorkingSet64 / 1048576} MiB"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Repository size: restic {resticSize / 1048576} MiB, keepsake {keepsakeSize / 1048576} MiB"));
            return 0;
        }
        finally
        {
            if (!args.Contains("--keep"))
            {
                MakeWritableAndDelete(work);
            }
        }
    }

    private static (double Seconds, long PeakRssKb) Restic(Dictionary<string, string> env, string repo, params string[] args)
    {
        var psi = new ProcessStartInfo("/usr/bin/time") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { "-f", "MAXRSS=%M", "restic", "-q", "-r", repo }.Concat(args))
        {
            psi.ArgumentList.Add(a);
        }

        foreach (var (k, v) in env)
        {
            psi.Environment[k] = v;
        }

        var sw = Stopwatch.StartNew();
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEnd();
        p.WaitForExit();
        sw.Stop();
        _ = stdout.Result;
        if (p.ExitCode != 0)
        {
            throw new InvalidOperationException($"restic {string.Join(' ', args)} failed: {stderr}");
        }

        var line = stderr.Split('\n').LastOrDefault(l => l.StartsWith("MAXRSS=", StringComparison.Ordinal));
        var rss = line is null ? 0 : long.Parse(line["MAXRSS=".Length..], CultureInfo.InvariantCulture);
        return (sw.Elapsed.TotalSeconds, rss);
    }

    private static void DropCachesHint() => GC.Collect();

    private static long DirectorySize(string path) =>
        Directory.EnumerateFiles(path, "*", SearchOption.AllDirectories).Sum(f => new FileInfo(f).Length);

    private static void MakeWritableAndDelete(string path)
    {
        if (!Directory.Exists(path))
        {
            return;
        }

        foreach (var f in Directory.EnumerateFiles(path, "*", SearchOption.AllDirectories))
        {
            File.SetAttributes(f, FileAttributes.Normal);
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(f, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            }
        }

        Directory.Delete(path, recursive: true);
    }
}
