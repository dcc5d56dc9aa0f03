using Keepsake.Device.Simulator;
using Keepsake.Device.Simulator.Phone;
using Keepsake.Device.Usbmux;
using Keepsake.Device.Transport;
using Keepsake.Engine.DeviceBackup;
using Keepsake.Engine.Vault;
using Keepsake.TestKit;

namespace Keepsake.Engine.Tests.DeviceBackup;

/// <summary>
/// A backup cut off at many points records no snapshot, and the next backup completes from the
/// working copy it left; what was stored before is untouched.
/// </summary>
public sealed class InterruptedBackupTests
{
    [Fact]
    public async Task RunAsync_DisconnectedAtManyPoints_NoSnapshotThenNextBackupCompletes()
    {
        await using var setup = await SimulatedPhoneVault.StartAsync(phone =>
        {
            BuiltInPhone.Write(phone, "HomeDomain", "Library/Notes/notes.txt", "first\n"u8.ToArray());
            var big = new byte[2_000_000];
            new Random(7).NextBytes(big);
            BuiltInPhone.Write(phone, "CameraRollDomain", "Media/DCIM/100APPLE/IMG_0002.JPG", big);
        });
        var baseline = await DeviceBackupJob.RunAsync(await setup.ConnectAsync(), setup.Repository, setup.Options);
        // The next backup has 2 MB of new data to send, so every cut below falls inside the transfer.
        BuiltInPhone.Write(setup.Phone, "HomeDomain", "Library/Notes/notes.txt", "second\n"u8.ToArray());
        var newPhoto = new byte[2_000_000];
        new Random(8).NextBytes(newPhoto);
        BuiltInPhone.Write(setup.Phone, "CameraRollDomain", "Media/DCIM/100APPLE/IMG_0003.JPG", newPhoto);

        foreach (var cut in new long[] { 200, 3_000, 40_000, 300_000, 1_500_000 })
        {
            await using var faulty = await SimulatorHost.StartAsync(new SimulatorOptions
            {
                ListenAddress = "UNIX:" + setup.Directory.Combine($"faulty-{cut}.sock"),
                PhoneFolder = setup.Phone,
                StateFolder = setup.Directory.Combine("state"),
                BackupKeyIterations = 1000,
                Faults = new SimulatorFaults { DisconnectAfterBytes = cut },
            });
            var connector = await UsbmuxDeviceConnector.FindAsync(new UsbmuxClient(faulty.EndPoint));
            var options = setup.Options with { IdleTimeout = TimeSpan.FromSeconds(10) };
            var error = await Record.ExceptionAsync(() => DeviceBackupJob.RunAsync(connector, setup.Repository, options));
            Assert.True(error is IOException or Keepsake.BackupFormat.BackupFormatException or TimeoutException, $"cut at {cut} bytes: {error?.GetType().Name}: {error?.Message}");
            Assert.Single(await setup.Repository.ListSnapshotsAsync());
        }

        var resumed = await DeviceBackupJob.RunAsync(await setup.ConnectAsync(), setup.Repository, setup.Options);

        Assert.Equal(2, (await setup.Repository.ListSnapshotsAsync()).Count);
        Assert.Equal(baseline.Snapshot.Id, resumed.Previous?.Id);
        foreach (var (snapshot, text) in new[] { (baseline.Snapshot, "first\n"), (resumed.Snapshot, "second\n") })
        {
            using var source = SnapshotBackupSource.Open(setup.Repository, snapshot);
            using var reader = new StreamReader(source.OpenRead(source.FindEntry("HomeDomain", "Library/Notes/notes.txt")!));
            Assert.Equal(text, reader.ReadToEnd());
        }
    }
}
