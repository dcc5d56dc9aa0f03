using Keepsake.Device.Usbmux;

namespace Keepsake.Device.Tests.Usbmux;

public sealed class UsbmuxClientTests
{
    [Fact]
    public async Task ListDevicesAsync_Simulator_ReportsOneUsbDevice()
    {
        await using var session = await SimulatorSession.StartAsync();
        var devices = await new UsbmuxClient(session.Host.EndPoint).ListDevicesAsync();
        var device = Assert.Single(devices);
        Assert.Equal(session.Host.Udid, device.Udid);
        Assert.Equal(UsbmuxDevice.Usb, device.ConnectionType);
    }

    [Fact]
    public async Task ListenAsync_Simulator_FirstEventIsAttached()
    {
        await using var session = await SimulatorSession.StartAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await foreach (var e in new UsbmuxClient(session.Host.EndPoint).ListenAsync(cts.Token))
        {
            Assert.Equal(UsbmuxDeviceEventKind.Attached, e.Kind);
            Assert.Equal(session.Host.Udid, e.Device!.Udid);
            break;
        }
    }

    [Fact]
    public async Task ListenAsync_DetachThenAttach_ReportsBoth()
    {
        await using var session = await SimulatorSession.StartAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var kinds = new List<UsbmuxDeviceEventKind>();
        await foreach (var e in new UsbmuxClient(session.Host.EndPoint).ListenAsync(cts.Token))
        {
            kinds.Add(e.Kind);
            if (kinds.Count == 1)
            {
                await session.Host.DetachAsync();
                Assert.Empty(await new UsbmuxClient(session.Host.EndPoint).ListDevicesAsync());
                var ex = await Assert.ThrowsAsync<UsbmuxException>(() => new UsbmuxClient(session.Host.EndPoint).ConnectAsync(1, 62078));
                Assert.Equal(UsbmuxResult.BadDevice, ex.Result);
                await session.Host.AttachAsync();
            }

            if (kinds.Count == 3)
            {
                break;
            }
        }

        Assert.Equal([UsbmuxDeviceEventKind.Attached, UsbmuxDeviceEventKind.Detached, UsbmuxDeviceEventKind.Attached], kinds);
    }

    [Fact]
    public async Task PairRecords_SaveReadDelete_RoundTripVerbatim()
    {
        await using var session = await SimulatorSession.StartAsync();
        var client = new UsbmuxClient(session.Host.EndPoint);
        Assert.Null(await client.ReadPairRecordAsync("ABC"));
        await client.SavePairRecordAsync("ABC", 1, new byte[] { 1, 2, 3 });
        Assert.Equal(new byte[] { 1, 2, 3 }, await client.ReadPairRecordAsync("ABC"));
        await client.DeletePairRecordAsync("ABC");
        Assert.Null(await client.ReadPairRecordAsync("ABC"));
        var buid = await client.ReadBuidAsync();
        Assert.Equal(buid, await client.ReadBuidAsync());
        Assert.True(Guid.TryParse(buid, out _));
    }

    [Fact]
    public async Task SavePairRecordAsync_Simulator_KeepsRecordAndDeviceKeyOwnerOnly()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        await using var session = await SimulatorSession.StartAsync();
        var client = new UsbmuxClient(session.Host.EndPoint);
        await client.SavePairRecordAsync("ABC", 1, new byte[] { 1, 2, 3 });

        // The pair record holds the host's private key, identity.plist the device's.
        var ownerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        Assert.Equal(ownerOnly, File.GetUnixFileMode(Path.Combine(session.StateFolder, "usbmuxd", "ABC.plist")));
        Assert.Equal(ownerOnly, File.GetUnixFileMode(Path.Combine(session.StateFolder, "device", "identity.plist")));
    }

    [Fact]
    public async Task ConnectAsync_UnknownPort_ThrowsConnectionRefused()
    {
        await using var session = await SimulatorSession.StartAsync();
        var ex = await Assert.ThrowsAsync<UsbmuxException>(() => new UsbmuxClient(session.Host.EndPoint).ConnectAsync(1, 1234));
        Assert.Equal(UsbmuxResult.ConnectionRefused, ex.Result);
    }

    [Fact]
    public async Task ListDevicesAsync_NoDaemon_ThrowsUsbmuxExceptionNamingVariable()
    {
        var ex = await Assert.ThrowsAsync<UsbmuxException>(() => new UsbmuxClient(UsbmuxAddress.Parse("UNIX:/nonexistent/usbmuxd")).ListDevicesAsync());
        Assert.Contains("USBMUXD_SOCKET_ADDRESS", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ListDevicesAsync_TcpListener_Works()
    {
        using var temp = new Keepsake.TestKit.TempDirectory("keepsake-device");
        await using var host = await Keepsake.Device.Simulator.SimulatorHost.StartAsync(new Keepsake.Device.Simulator.SimulatorOptions
        {
            ListenAddress = "127.0.0.1:0",
            PhoneFolder = temp.Combine("phone"),
            StateFolder = temp.Combine("state"),
        });
        Assert.StartsWith("127.0.0.1:", host.UsbmuxdSocketAddress, StringComparison.Ordinal);
        Assert.Single(await new UsbmuxClient(UsbmuxAddress.Parse(host.UsbmuxdSocketAddress)).ListDevicesAsync());
    }
}
