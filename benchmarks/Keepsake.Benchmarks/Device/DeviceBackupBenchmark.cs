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
