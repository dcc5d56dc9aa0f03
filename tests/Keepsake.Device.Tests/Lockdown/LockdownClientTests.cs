using System.Net;
using Keepsake.Device.Lockdown;
using Keepsake.Device.Simulator;
using Keepsake.Device.Transport;
using Keepsake.Plist;

namespace Keepsake.Device.Tests.Lockdown;

public sealed class LockdownClientTests
{
    [Fact]
    public async Task ConnectWithSessionAsync_FirstTime_PairsAndSavesRecordWithEscrowBag()
    {
        await using var session = await SimulatorSession.StartAsync();
        var connector = await HostSide.ConnectorAsync(session);
        await using (var lockdown = await LockdownClient.ConnectWithSessionAsync(connector))
        {
            Assert.Equal("iPhone12,1", (await lockdown.GetValueAsync(null, "ProductType")).AsString());
            var all = (await lockdown.GetValueAsync()).AsDictionary();
            Assert.Equal(session.Host.Udid, all.GetString("UniqueDeviceID"));
        }

        var record = PairRecord.FromPlist(PlistReader.Read(await connector.ReadPairRecordAsync() ?? throw new InvalidOperationException()).AsDictionary());
        Assert.NotNull(record.EscrowBag);
        Assert.NotNull(record.WiFiMacAddress);
        Assert.Contains("BEGIN CERTIFICATE", System.Text.Encoding.ASCII.GetString(record.DeviceCertificate), StringComparison.Ordinal);
        Assert.DoesNotContain("PRIVATE", record.HostPrivateKey.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task StopSessionAsync_ThenPlainRequest_StillAnswered()
    {
        await using var session = await SimulatorSession.StartAsync();
        await using var lockdown = await LockdownClient.ConnectWithSessionAsync(await HostSide.ConnectorAsync(session));
        await lockdown.StopSessionAsync();
        Assert.Equal(LockdownClient.ServiceType, await lockdown.QueryTypeAsync());
        await lockdown.StartSessionAsync(lockdown.PairRecord!);
        Assert.Equal("17.0", (await lockdown.GetValueAsync(null, "ProductVersion")).AsString());
    }

    [Fact]
    public async Task PairAsync_UserDenies_ThrowsUserDeniedPairing()
    {
        await using var session = await SimulatorSession.StartAsync(new SimulatorFaults { UserDeniesPairing = true });
        var connector = await HostSide.ConnectorAsync(session);
        var ex = await Assert.ThrowsAsync<LockdownException>(() => LockdownClient.ConnectWithSessionAsync(connector));
        Assert.Equal(LockdownError.UserDeniedPairing, ex.Error);
        Assert.Contains("Trust", ex.Message, StringComparison.Ordinal);
        Assert.False(ex.IsTransient);
    }

    [Fact]
    public async Task PairAsync_DialogPending_ThrowsTransientThenSucceeds()
    {
        await using var session = await SimulatorSession.StartAsync(new SimulatorFaults { PairingDialogPending = 1 });
        var connector = await HostSide.ConnectorAsync(session);
        var ex = await Assert.ThrowsAsync<LockdownException>(() => LockdownClient.ConnectWithSessionAsync(connector));
        Assert.Equal(LockdownError.PairingDialogResponsePending, ex.Error);
        Assert.True(ex.IsTransient);
        Assert.Contains("Tap Trust", ex.Message, StringComparison.Ordinal);
        await using var lockdown = await LockdownClient.ConnectWithSessionAsync(connector);
        Assert.NotNull(lockdown.PairRecord);
    }

    [Fact]
    public async Task PairAsync_PhoneLocked_ThrowsPasswordProtected()
    {
        await using var session = await SimulatorSession.StartAsync(new SimulatorFaults { PasscodeLocked = true });
        var ex = await Assert.ThrowsAsync<LockdownException>(async () => await LockdownClient.ConnectWithSessionAsync(await HostSide.ConnectorAsync(session)));
        Assert.Equal(LockdownError.PasswordProtected, ex.Error);
        Assert.StartsWith("The iPhone is locked", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StartSessionAsync_DeviceForgotPairing_ThrowsInvalidHostIdAdvisingRepair()
    {
        await using var session = await SimulatorSession.StartAsync();
        var connector = await HostSide.ConnectorAsync(session);
        await using (await LockdownClient.ConnectWithSessionAsync(connector))
        {
        }

        await session.Host.StopAsync();
        File.Delete(Path.Combine(session.StateFolder, "device", "pairings.plist"));
        await session.RestartAsync();
        var ex = await Assert.ThrowsAsync<LockdownException>(async () => await LockdownClient.ConnectWithSessionAsync(await HostSide.ConnectorAsync(session)));
        Assert.Equal(LockdownError.InvalidHostID, ex.Error);
        Assert.Contains("re-pair", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ValidatePairAsync_Paired_Succeeds()
    {
        await using var session = await SimulatorSession.StartAsync();
        var connector = await HostSide.ConnectorAsync(session);
        await using var lockdown = await LockdownClient.ConnectWithSessionAsync(connector);
        await lockdown.ValidatePairAsync();
    }

    [Fact]
    public async Task StartServiceAsync_Unknown_ThrowsInvalidService()
    {
        await using var session = await SimulatorSession.StartAsync();
        await using var lockdown = await LockdownClient.ConnectWithSessionAsync(await HostSide.ConnectorAsync(session));
        var ex = await Assert.ThrowsAsync<LockdownException>(() => lockdown.StartServiceAsync("com.example.nope"));
        Assert.Equal(LockdownError.InvalidService, ex.Error);
    }

    [Fact]
    public async Task TcpDeviceConnector_WiFi_SessionWithUsbPairRecord()
    {
        var address = new IPAddress([127, 0, (byte)Random.Shared.Next(1, 250), (byte)Random.Shared.Next(1, 250)]);
        await using var session = await SimulatorSession.StartAsync(networkAddress: address);
        var usb = await HostSide.ConnectorAsync(session);
        await using (await LockdownClient.ConnectWithSessionAsync(usb))
        {
        }

        var records = Path.Combine(session.Root, "records");
        var wifi = new TcpDeviceConnector(address, session.Host.Udid, records);
        await wifi.SavePairRecordAsync(await usb.ReadPairRecordAsync() ?? throw new InvalidOperationException());
        await using var lockdown = await LockdownClient.ConnectWithSessionAsync(wifi, pairIfNeeded: false);
        Assert.Equal(session.Host.Udid, (await lockdown.GetValueAsync(null, "UniqueDeviceID")).AsString());
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(records, session.Host.Udid + ".plist")));
        }
    }

    [Fact]
    public async Task SetValueAsync_EnableWifiConnections_ReadsBack()
    {
        await using var session = await SimulatorSession.StartAsync();
        await using var lockdown = await LockdownClient.ConnectWithSessionAsync(await HostSide.ConnectorAsync(session));
        await lockdown.SetValueAsync("com.apple.mobile.wireless_lockdown", "EnableWifiConnections", true);
        Assert.True((await lockdown.GetValueAsync("com.apple.mobile.wireless_lockdown", "EnableWifiConnections")).AsBoolean());
    }

    [Fact]
    public async Task UnpairAsync_ThenStartSession_ThrowsInvalidHostId()
    {
        await using var session = await SimulatorSession.StartAsync();
        var connector = await HostSide.ConnectorAsync(session);
        await using (var lockdown = await LockdownClient.ConnectWithSessionAsync(connector))
        {
            await lockdown.UnpairAsync();
        }

        var ex = await Assert.ThrowsAsync<LockdownException>(() => LockdownClient.ConnectWithSessionAsync(connector));
        Assert.Equal(LockdownError.InvalidHostID, ex.Error);
    }

    [Fact]
    public void LockdownException_Parse_KnownAndUnknownStrings()
    {
        Assert.Equal(LockdownError.InvalidHostID, LockdownException.Parse("InvalidHostID"));
        Assert.Equal(LockdownError.Unknown, LockdownException.Parse("SomethingNew"));
        Assert.Contains("SomethingNew", new LockdownException(LockdownError.Unknown, "SomethingNew", "Pair").Message, StringComparison.Ordinal);
    }
}
