using Keepsake.Device.Services.MobileBackup2;
using Keepsake.Device.Tests.Transport;
using Keepsake.Device.Transport;
using Keepsake.Plist;
using Keepsake.TestKit;

namespace Keepsake.Device.Tests.Services.MobileBackup2;

/// <summary>Scripted device conversations for DeviceLink messages the simulator never sends.</summary>
public sealed class MobileBackup2MessageHandlerTests
{
    [Fact]
    public async Task BackupAsync_PurgeDiskSpaceAndCopyItem_AnsweredSoDeviceNeverWaits()
    {
        using var temp = new TempDirectory("keepsake-dl");
        File.WriteAllText(temp.Combine("a.txt"), "x");
        var (hostStream, deviceStream) = await ServiceConnectionTests.PairAsync();
        await using var device = new DeviceLinkChannel(new ServiceConnection(deviceStream));
        var script = Task.Run(async () =>
        {
            await device.ExchangeVersionsAsDeviceAsync(400, 0);
            await device.ReceiveAsync(); // Hello
            await device.SendProcessMessageAsync(new PlistDictionary { ["MessageName"] = "Response", ["ErrorCode"] = 0L, ["ProtocolVersion"] = 2.1 });
            await device.ReceiveAsync(); // Backup
            await device.SendAsync([DeviceLinkMessageNames.PurgeDiskSpace, "___EmptyParameterString___"]);
            var purge = await device.ReceiveAsync();
            await device.SendAsync([DeviceLinkMessageNames.CopyItem, "a.txt", "b/c.txt"]);
            var copy = await device.ReceiveAsync();
            await device.SendAsync([DeviceLinkMessageNames.RemoveItems, new PlistArray(["missing/file"]), new PlistDictionary(), 50.0]);
            var remove = await device.ReceiveAsync();
            await device.SendProcessMessageAsync(new PlistDictionary { ["ErrorCode"] = 0L });
            return (purge, copy, remove);
        });

        await using var client = await MobileBackup2Client.StartAsync(new ServiceConnection(hostStream), "UDID");
        await client.BackupAsync(new LocalDeviceLinkFileSystem(temp.Path), full: true);
        var (purge, copy, remove) = await script;

        Assert.Equal(DeviceLinkMessageNames.StatusResponse, DeviceLinkChannel.Name(purge));
        Assert.Equal(-1, purge[1].AsInt64());
        Assert.Equal(0, copy[1].AsInt64());
        Assert.Equal("x", File.ReadAllText(temp.Combine("b", "c.txt")));
        Assert.Equal(0, remove[1].AsInt64());
    }

    [Fact]
    public async Task BackupAsync_UploadEscapingRoot_IsRefusedNotWritten()
    {
        using var temp = new TempDirectory("keepsake-dl");
        var (hostStream, deviceStream) = await ServiceConnectionTests.PairAsync();
        await using var device = new DeviceLinkChannel(new ServiceConnection(deviceStream));
        var script = Task.Run(async () =>
        {
            await device.ExchangeVersionsAsDeviceAsync(400, 0);
            await device.ReceiveAsync();
            await device.SendProcessMessageAsync(new PlistDictionary { ["MessageName"] = "Response", ["ErrorCode"] = 0L, ["ProtocolVersion"] = 2.1 });
            await device.ReceiveAsync();
            await device.SendAsync([DeviceLinkMessageNames.UploadFiles, new PlistDictionary(), 0.0, 3L]);
            await DeviceLinkFileTransfer.WriteNameAsync(device.Stream, "evil");
            await DeviceLinkFileTransfer.WriteNameAsync(device.Stream, "../escaped.txt");
            await DeviceLinkFileTransfer.WriteContentAsync(device.Stream, new MemoryStream("bad"u8.ToArray()));
            await DeviceLinkFileTransfer.WriteEndOfBatchAsync(device.Stream);
            var status = await device.ReceiveAsync();
            await device.SendProcessMessageAsync(new PlistDictionary { ["ErrorCode"] = 0L });
            return status;
        });

        await using var client = await MobileBackup2Client.StartAsync(new ServiceConnection(hostStream), "UDID");
        await client.BackupAsync(new LocalDeviceLinkFileSystem(temp.Combine("root")), full: true);
        var status = await script;
        Assert.NotEqual(0, status[1].AsInt64());
        Assert.False(File.Exists(temp.Combine("escaped.txt")));
    }
}
