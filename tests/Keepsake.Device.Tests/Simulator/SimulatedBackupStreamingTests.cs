using System.Diagnostics;
using Keepsake.Device.Services.MobileBackup2;
using Keepsake.Device.Simulator.Phone;
using Keepsake.TestKit;

namespace Keepsake.Device.Tests.Simulator;

/// <summary>
/// The simulated iPhone answers a backup at once and sends files as it reads them, as a phone does, so a
/// large phone never outlasts the host's idle timeout before its first file.
/// </summary>
public sealed class SimulatedBackupStreamingTests
{
    private const long LargeFile = 256L * 1024 * 1024;

    [Fact]
    public async Task Backup_TwelveGiBPhone_FirstFileArrivesWithinSecondsWithoutReadingThePhoneFirst()
    {
        // 48 files of 256 MiB: sparse, so they cost no disk, yet reading and copying them all takes far longer than the bound.
        await using var session = await SimulatorSession.StartAsync(fillPhone: phone =>
        {
            SimulatorSession.SmallPhone(phone);
            for (var i = 0; i < 48; i++)
            {
                var path = Path.Combine(phone, "CameraRollDomain", "Media", "DCIM", "101APPLE", $"IMG_{i:D4}.MOV");
                Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                using var file = File.Create(path);
                file.SetLength(LargeFile);
            }
        });
        var phoneBytes = new DirectoryInfo(session.PhoneFolder).EnumerateFiles("*", SearchOption.AllDirectories).Sum(f => f.Length);
        Assert.True(phoneBytes > 12L * 1024 * 1024 * 1024, $"the phone holds {phoneBytes} bytes");

        using var stop = new CancellationTokenSource();
        var probe = new FirstFileProbe(new LocalDeviceLinkFileSystem(Path.Combine(session.Root, "ours")), stop);
        var clock = Stopwatch.StartNew();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            HostSide.BackupAsync(session, string.Empty, full: true, fileSystem: probe, cancellationToken: stop.Token, idleTimeout: TimeSpan.FromSeconds(30)));

        Assert.NotNull(probe.FirstFile);
        Assert.StartsWith(session.Host.Udid + "/Snapshot/", probe.FirstFile, StringComparison.Ordinal);
        Assert.True(probe.Elapsed < TimeSpan.FromSeconds(15), $"the first file arrived after {probe.Elapsed.TotalSeconds:F1} s (the whole run took {clock.Elapsed.TotalSeconds:F1} s)");

        // The device's scratch never held a copy of the phone.
        var scratch = Path.Combine(session.StateFolder, "scratch");
        var scratchBytes = Directory.Exists(scratch) ? new DirectoryInfo(scratch).EnumerateFiles("*", SearchOption.AllDirectories).Sum(f => f.Length) : 0;
        Assert.True(scratchBytes < LargeFile, $"the simulator's scratch holds {scratchBytes} bytes");
    }

    /// <summary>Test fake: passes everything through, notes when the first uploaded file is created, then stops the backup.</summary>
    private sealed class FirstFileProbe(IDeviceLinkFileSystem inner, CancellationTokenSource stop) : IDeviceLinkFileSystem
    {
        private readonly Stopwatch _clock = Stopwatch.StartNew();

        public string? FirstFile { get; private set; }

        public TimeSpan Elapsed { get; private set; }

        public Stream CreateFile(string path)
        {
            if (FirstFile is null)
            {
                FirstFile = path;
                Elapsed = _clock.Elapsed;
                stop.Cancel();
            }

            return inner.CreateFile(path);
        }

        public void AbandonFile(string path) => inner.AbandonFile(path);

        public Stream? OpenRead(string path) => inner.OpenRead(path);

        public void CreateDirectory(string path) => inner.CreateDirectory(path);

        public void Move(string source, string destination) => inner.Move(source, destination);

        public void Remove(string path) => inner.Remove(path);

        public void Copy(string source, string destination) => inner.Copy(source, destination);

        public IReadOnlyList<DeviceLinkFileEntry> List(string path) => inner.List(path);

        public long GetFreeSpace() => long.MaxValue / 2;
    }
}
