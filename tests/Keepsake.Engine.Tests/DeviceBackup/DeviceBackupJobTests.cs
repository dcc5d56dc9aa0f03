using Keepsake.BackupFormat;
using Keepsake.Device.Simulator.Phone;
using Keepsake.Engine.DeviceBackup;
using Keepsake.Engine.Vault;

namespace Keepsake.Engine.Tests.DeviceBackup;

/// <summary>Phone → working copy → snapshot, end to end against the simulated iPhone.</summary>
public sealed class DeviceBackupJobTests
{
    [Fact]
    public async Task RunAsync_TwiceWithAChangeBetween_SecondStoresOnlyTheChangeAndBothRestore()
    {
        await using var setup = await SimulatedPhoneVault.StartAsync(phone =>
        {
            BuiltInPhone.Write(phone, "HomeDomain", "Library/Notes/notes.txt", "Buy milk\n"u8.ToArray());
            BuiltInPhone.Write(phone, "CameraRollDomain", "Media/DCIM/100APPLE/IMG_0001.JPG", RandomBytes(3_000_000));
        });
        var (phone, repository, options, simulator) = (setup.Phone, setup.Repository, setup.Options, setup.Simulator);

        var first = await DeviceBackupJob.RunAsync(await setup.ConnectAsync(), repository, options);
        BuiltInPhone.Write(phone, "HomeDomain", "Library/Notes/notes.txt", "Buy milk and eggs\n"u8.ToArray());
        var second = await DeviceBackupJob.RunAsync(await setup.ConnectAsync(), repository, options);

        Assert.True(first.WasFull);
        Assert.False(second.WasFull);
        Assert.Equal(first.Snapshot.Id, second.Previous?.Id);
        Assert.Contains(DeviceBackupJob.UnencryptedWarning, first.Warnings);
        Assert.NotEmpty(second.Changes);
        // The 3 MB photo is not stored again: the second run adds far less than the first.
        Assert.True(second.Stored.BytesAdded < first.Stored.BytesAdded / 10, $"second run stored {second.Stored.BytesAdded} bytes after {first.Stored.BytesAdded}");

        foreach (var (snapshot, notes) in new[] { (first.Snapshot, "Buy milk\n"), (second.Snapshot, "Buy milk and eggs\n") })
        {
            using var source = SnapshotBackupSource.Open(repository, snapshot);
            var entry = source.FindEntry("HomeDomain", "Library/Notes/notes.txt")!;
            using var reader = new StreamReader(source.OpenRead(entry));
            Assert.Equal(notes, reader.ReadToEnd());
            var photo = source.FindEntry("CameraRollDomain", "Media/DCIM/100APPLE/IMG_0001.JPG")!;
            using var photoStream = source.OpenRead(photo);
            using var memory = new MemoryStream();
            photoStream.CopyTo(memory);
            Assert.Equal(File.ReadAllBytes(Path.Combine(phone, "CameraRollDomain", "Media", "DCIM", "100APPLE", "IMG_0001.JPG")), memory.ToArray());
        }

        var info = BackupFolder.ReadProperties(first.WorkingCopy);
        Assert.Equal(simulator.Udid, info.Udid);
        Assert.NotNull(info.InfoPlist?.GetString("Device Name"));
    }

    private static byte[] RandomBytes(int length)
    {
        var bytes = new byte[length];
        new Random(42).NextBytes(bytes);
        return bytes;
    }
}
