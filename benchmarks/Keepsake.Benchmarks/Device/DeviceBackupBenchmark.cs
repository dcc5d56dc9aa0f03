using System.Diagnostics;
using System.Globalization;
using Keepsake.Device.Lockdown;
using Keepsake.Device.Services.MobileBackup2;
using Keepsake.Device.Simulator;
using Keepsake.Device.Transport;
using Keepsake.Device.Usbmux;

namespace Keepsake.Benchmarks.Device;

/// <summary>
/// Backs up a large simulated iPhone over the loopback usbmuxd socket with Keepsake's host side and
/// with Debian's idevicebackup2, against the same simulator in the same run, and prints MB/s and the ratio.
/// The simulator prepares its backup image once (a warm-up run), so both tools measure the transfer.
/// </summary>
internal static class DeviceBackupBenchmark
{
    public static async Task<int> RunAsync(string[] args)
    {
        var sizeMb = 2048L;
        var keep = false;
        var rounds = 2;
        string? targetDir = null;
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--size-mb":
                    sizeMb = long.Parse(args[++i], CultureInfo.InvariantCulture);
                    break;
                case "--keep":
                    keep = true;
                    break;
                case "--rounds":
                    rounds = int.Parse(args[++i], CultureInfo.InvariantCulture);
                    break;
                case "--target-dir":
                    targetDir = args[++i];
                    break;
                default:
                    Console.Error.WriteLine("usage: Keepsake.Benchmarks device [--size-mb N] [--rounds N] [--target-dir DIR] [--keep]");
                    return 2;
            }
        }

        var root = Path.Combine(Path.GetTempPath(), "keepsake-device-bench-" + Environment.ProcessId.ToString(CultureInfo.InvariantCulture));
        Directory.CreateDirectory(root);
        try
        {
            var phone = Path.Combine(root, "phone");
            var watch = Stopwatch.StartNew();
            var phoneBytes = GeneratePhone(phone, sizeMb * 1024 * 1024);
            Console.WriteLine($"phone: {phoneBytes / 1e6:F0} MB generated in {watch.Elapsed.TotalSeconds:F1} s");

            await using var host = await SimulatorHost.StartAsync(new SimulatorOptions
            {
                ListenAddress = "UNIX:" + Path.Combine(root, "usbmuxd.sock"),
                PhoneFolder = phone,
                StateFolder = Path.Combine(root, "state"),
            });

            watch.Restart();
            await KeepsakeBackupAsync(host, Path.Combine(root, "warmup"));
            Console.WriteLine($"warm-up (simulator builds its backup image, Keepsake host): {watch.Elapsed.TotalSeconds:F1} s");
            Directory.Delete(Path.Combine(root, "warmup"), recursive: true);

            // Alternate the two tools and keep each one's best round, so page-cache writeback left by
            // one run does not land on the other. Backups go to --target-dir (e.g. /dev/shm to measure
            // the protocol rather than the disk); each is deleted after its round.
            var targets = targetDir ?? root;
            var theirSeconds = double.MaxValue;
            var ourSeconds = double.MaxValue;
            for (var round = 0; round < rounds; round++)
            {
                var theirs = Path.Combine(targets, $"keepsake-bench-idevicebackup2-{Environment.ProcessId}");
                Directory.CreateDirectory(theirs);
                watch.Restart();
                RunIdevicebackup2(host, theirs);
                theirSeconds = Math.Min(theirSeconds, watch.Elapsed.TotalSeconds);
                Console.WriteLine($"round {round + 1}: idevicebackup2 {watch.Elapsed.TotalSeconds:F2} s");
                Directory.Delete(theirs, recursive: true);

                var ours = Path.Combine(targets, $"keepsake-bench-keepsake-{Environment.ProcessId}");
                watch.Restart();
                await KeepsakeBackupAsync(host, ours);
                ourSeconds = Math.Min(ourSeconds, watch.Elapsed.TotalSeconds);
                Console.WriteLine($"round {round + 1}: keepsake       {watch.Elapsed.TotalSeconds:F2} s");
                Directory.Delete(ours, recursive: true);
            }

            var ourRate = phoneBytes / 1e6 / ourSeconds;
            var theirRate = phoneBytes / 1e6 / theirSeconds;
            Console.WriteLine($"idevicebackup2 backup --full: {theirSeconds:F2} s, {theirRate:F0} MB/s");
            Console.WriteLine($"keepsake MobileBackup2Client:  {ourSeconds:F2} s, {ourRate:F0} MB/s");
            Console.WriteLine($"ratio keepsake/idevicebackup2: {ourRate / theirRate:F2}x");

            // End to end, same phone, same run: the phone into an encrypted deduplicated vault. Keepsake
            // streams it straight into its vault; the other way is idevicebackup2 into a folder, then
            // restic backup of that folder.
            var theirTotal = double.MaxValue;
            var ourTotal = double.MaxValue;
            long ourPeak = 0;
            for (var round = 0; round < rounds; round++)
            {
                var folder = Path.Combine(targets, $"keepsake-bench-e2e-folder-{Environment.ProcessId}");
                var resticRepo = Path.Combine(targets, $"keepsake-bench-e2e-restic-{Environment.ProcessId}");
                Directory.CreateDirectory(folder);
                Restic(resticRepo, "init");
                watch.Restart();
                RunIdevicebackup2(host, folder);
                var copySeconds = watch.Elapsed.TotalSeconds;
                Restic(resticRepo, "backup", folder);
                theirTotal = Math.Min(theirTotal, watch.Elapsed.TotalSeconds);
                Console.WriteLine($"round {round + 1}: idevicebackup2 {copySeconds:F2} s + restic backup {watch.Elapsed.TotalSeconds - copySeconds:F2} s = {watch.Elapsed.TotalSeconds:F2} s");
                Directory.Delete(folder, recursive: true);
                Directory.Delete(resticRepo, recursive: true);

                var vault = Path.Combine(targets, $"keepsake-bench-e2e-vault-{Environment.ProcessId}");
                ResetPeakRss();
                watch.Restart();
                await KeepsakeToVaultAsync(host, vault, Path.Combine(root, "data"));
                ourTotal = Math.Min(ourTotal, watch.Elapsed.TotalSeconds);
                ourPeak = Math.Max(ourPeak, PeakRss());
                Console.WriteLine($"round {round + 1}: keepsake backup into the vault {watch.Elapsed.TotalSeconds:F2} s, peak RSS {PeakRss() / 1048576.0:F0} MiB (this process, simulator included)");
                Directory.Delete(vault, recursive: true);
            }

            Console.WriteLine($"end to end: idevicebackup2 + restic backup {theirTotal:F2} s; keepsake {ourTotal:F2} s; ratio {theirTotal / ourTotal:F2}x faster; keepsake peak RSS {ourPeak / 1048576.0:F0} MiB");
            return 0;
        }
        finally
        {
            if (!keep)
            {
                Directory.Delete(root, recursive: true);
            }
        }
    }

    private static async Task KeepsakeBackupAsync(SimulatorHost host, string folder)
    {
        var connector = await UsbmuxDeviceConnector.FindAsync(new UsbmuxClient(host.EndPoint));
        await using var lockdown = await LockdownClient.ConnectWithSessionAsync(connector);
        await using var backup = await MobileBackup2Client.StartAsync(lockdown);
        await backup.BackupAsync(new LocalDeviceLinkFileSystem(folder), full: true);
    }

    private static async Task KeepsakeToVaultAsync(SimulatorHost host, string vault, string data)
    {
        using var password = Keepsake.Primitives.Secret.FromString(ResticPassword);
        using var repository = await Keepsake.Repository.Repository.InitAsync(new Keepsake.Repository.Backends.Local.LocalBackend(vault), password);
        var connector = await UsbmuxDeviceConnector.FindAsync(new UsbmuxClient(host.EndPoint));
        await Keepsake.Engine.DeviceBackup.DeviceBackupJob.RunAsync(connector, repository, new Keepsake.Engine.DeviceBackup.DeviceBackupOptions
        {
            WorkingRoot = Path.Combine(data, "backups"),
            TemporaryRoot = Path.Combine(data, "tmp"),
            ForceFull = true,
        });
    }

    private const string ResticPassword = "benchmark";

    private static void Restic(string repository, params string[] args)
    {
        var psi = new ProcessStartInfo("restic") { RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add("--no-cache");
        psi.ArgumentList.Add("-q");
        psi.ArgumentList.Add("-r");
        psi.ArgumentList.Add(repository);
        foreach (var arg in args)
        {
            psi.ArgumentList.Add(arg);
        }

        psi.Environment["RESTIC_PASSWORD"] = ResticPassword;
        using var process = Process.Start(psi) ?? throw new InvalidOperationException("cannot start restic");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"restic {string.Join(' ', args)} failed ({process.ExitCode}): {stdout.Result} {stderr.Result}");
        }
    }

    /// <summary>Linux: resets this process's peak resident set (VmHWM), so the next reading covers only what follows.</summary>
    private static void ResetPeakRss()
    {
        if (OperatingSystem.IsLinux())
        {
            GC.Collect();
            File.WriteAllText("/proc/self/clear_refs", "5");
        }
    }

    /// <summary>Peak resident set of this process in bytes (VmHWM on Linux).</summary>
    private static long PeakRss()
    {
        if (!OperatingSystem.IsLinux())
        {
            return Process.GetCurrentProcess().PeakWorkingSet64;
        }

        var line = File.ReadLines("/proc/self/status").First(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
        return long.Parse(line["VmHWM:".Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) * 1024;
    }

    private static void RunIdevicebackup2(SimulatorHost host, string folder)
    {
        var psi = new ProcessStartInfo("idevicebackup2") { RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add("backup");
        psi.ArgumentList.Add("--full");
        psi.ArgumentList.Add(folder);
        psi.Environment["USBMUXD_SOCKET_ADDRESS"] = host.UsbmuxdSocketAddress;
        using var process = Process.Start(psi) ?? throw new InvalidOperationException("cannot start idevicebackup2");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        if (process.ExitCode != 0 || !stdout.Result.Contains("Backup Successful", StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"idevicebackup2 failed ({process.ExitCode}): {stdout.Result[^Math.Min(2000, stdout.Result.Length)..]} {stderr.Result}");
        }
    }

    /// <summary>Incompressible photos (2–8 MB) and videos (40–120 MB), plus a few thousand small files.</summary>
    private static long GeneratePhone(string phone, long totalBytes)
    {
        var random = new Random(4);
        var buffer = new byte[1 << 20];
        long written = 0;
        var index = 0;
        while (written < totalBytes)
        {
            index++;
            var small = index % 4 == 0;
            var size = small ? random.Next(1_000, 40_000) : index % 15 == 1 ? random.Next(40_000_000, 120_000_000) : random.Next(2_000_000, 8_000_000);
            size = (int)Math.Min(size, Math.Max(1, totalBytes - written));
            var path = small
                ? Path.Combine(phone, "HomeDomain", "Library", "Caches", (index % 50).ToString(CultureInfo.InvariantCulture), $"item{index}.dat")
                : Path.Combine(phone, "CameraRollDomain", "Media", "DCIM", $"{100 + (index / 500)}APPLE", $"IMG_{index:D5}.MOV");
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            using var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20);
            var left = size;
            while (left > 0)
            {
                random.NextBytes(buffer);
                var n = Math.Min(left, buffer.Length);
                file.Write(buffer, 0, n);
                left -= n;
            }

            written += size;
        }

        return written;
    }
}
