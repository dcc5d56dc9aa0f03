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

        var info = SnapshotBackupSource.ReadProperties(repository, first.Snapshot);
        Assert.Equal(simulator.Udid, info.Udid);
        Assert.NotNull(info.InfoPlist?.GetString("Device Name"));
    }

    [Fact]
    public async Task RunAsync_AddChangeRemove_SummaryCountsFilesAndBytesOfEach()
    {
        await using var setup = await SimulatedPhoneVault.StartAsync(phone =>
        {
            BuiltInPhone.Write(phone, "HomeDomain", "Library/Notes/notes.txt", "Buy milk\n"u8.ToArray());
            BuiltInPhone.Write(phone, "HomeDomain", "Library/Old/old.bin", RandomBytes(12_345));
            BuiltInPhone.Write(phone, "CameraRollDomain", "Media/DCIM/100APPLE/IMG_0001.JPG", RandomBytes(300_000));
        });
        var first = await DeviceBackupJob.RunAsync(await setup.ConnectAsync(), setup.Repository, setup.Options);
        Assert.Null(first.ChangeSummary);

        BuiltInPhone.Write(setup.Phone, "HomeDomain", "Library/Notes/notes.txt", "Buy milk, eggs and bread\n"u8.ToArray());
        File.Delete(Path.Combine(setup.Phone, "HomeDomain", "Library", "Old", "old.bin"));
        BuiltInPhone.Write(setup.Phone, "CameraRollDomain", "Media/DCIM/100APPLE/IMG_0002.JPG", RandomBytes(54_321));
        BuiltInPhone.Write(setup.Phone, "CameraRollDomain", "Media/DCIM/100APPLE/IMG_0003.JPG", RandomBytes(1_000));
        var second = await DeviceBackupJob.RunAsync(await setup.ConnectAsync(), setup.Repository, setup.Options);

        var summary = Assert.IsType<BackupChangeSummary>(second.ChangeSummary);
        Assert.Equal(new BackupChangeSummary(2, 55_321, 1, "Buy milk, eggs and bread\n".Length, 1, 12_345), summary);
    }

    [Fact]
    public async Task RunAsync_WithProgress_ReportsBytesReceivedThenWhatWasStored()
    {
        await using var setup = await SimulatedPhoneVault.StartAsync(phone =>
        {
            for (var i = 0; i < 30; i++)
            {
                BuiltInPhone.Write(phone, "CameraRollDomain", $"Media/DCIM/100APPLE/IMG_{i:D4}.JPG", RandomBytes(100_000 + i));
            }
        });
        var reports = new List<DeviceBackupProgress>();
        var progress = new ListProgress(reports);

        var result = await DeviceBackupJob.RunAsync(await setup.ConnectAsync(), setup.Repository, setup.Options, progress);

        Assert.Equal(DeviceBackupStage.Connecting, reports[0].Stage);
        Assert.Equal(DeviceBackupStage.Done, reports[^1].Stage);
        var receiving = reports.Where(r => r.Stage == DeviceBackupStage.Receiving).ToList();
        Assert.NotEmpty(receiving);
        Assert.True(receiving[^1].Bytes >= 30 * 100_000, $"received {receiving[^1].Bytes} bytes");
        Assert.True(receiving.Zip(receiving.Skip(1)).All(p => p.Second.Bytes >= p.First.Bytes), "received bytes never go down");
        Assert.All(receiving.Where(r => r.TotalBytes is not null), r => Assert.True(r.TotalBytes >= r.Bytes));
        var storing = reports.Where(r => r.Stage == DeviceBackupStage.Storing).ToList();
        // The phone's 30 files went straight into the vault while they were received.
        Assert.Equal(30, storing[^1].Files);
        Assert.Equal(Enumerable.Range(0, 30).Sum(i => 100_000L + i), storing[^1].Bytes);
        Assert.Equal(storing[^1].TotalBytes, storing[^1].Bytes);
        Assert.Equal(result.Stored.BytesRead, storing[^1].Bytes);
        Assert.True(storing.Zip(storing.Skip(1)).All(p => p.Second.Bytes >= p.First.Bytes && p.Second.Files >= p.First.Files), "stored files and bytes never go down");
    }

    [Fact]
    public void EstimateTotal_FromThePhonesPercent_IsNullUntilItSaysSomething()
    {
        Assert.Null(DeviceBackupProgress.EstimateTotal(1000, 0));
        Assert.Null(DeviceBackupProgress.EstimateTotal(0, 50));
        Assert.Equal(4000, DeviceBackupProgress.EstimateTotal(1000, 25));
        Assert.Equal(1000, DeviceBackupProgress.EstimateTotal(1000, 100));
    }

    private sealed class ListProgress(List<DeviceBackupProgress> reports) : IProgress<DeviceBackupProgress>
    {
        public void Report(DeviceBackupProgress value)
        {
            lock (reports)
            {
                reports.Add(value);
            }
        }
    }

    private static byte[] RandomBytes(int length)
    {
        var bytes = new byte[length];
        new Random(42).NextBytes(bytes);
        return bytes;
    }
}
