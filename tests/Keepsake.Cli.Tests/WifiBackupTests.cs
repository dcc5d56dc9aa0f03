using Keepsake.Device.Simulator;
using Keepsake.TestKit;

namespace Keepsake.Cli.Tests;

/// <summary>
/// 'keepsake backup --wifi ADDRESS' against the simulated iPhone's network listener
/// (SimulatorOptions.NetworkAddress: lockdownd and its services straight on a loopback address).
/// </summary>
public sealed class WifiBackupTests
{
    [Fact]
    public async Task BackupOverWifi_PairedByKeepsake_WorksWithoutUsbmuxdAndFindsTheUdidItself()
    {
        var address = SimulatedPhoneHome.UniqueLoopback();
        await using var phone = await SimulatedPhoneHome.StartAsync(configure: o => WithNetwork(o, address));
        phone.Run("pair").EnsureSuccess("keepsake pair (over the cable)");

        // No usbmuxd at all now: only the Wi-Fi listener answers.
        var noUsbmuxd = new Dictionary<string, string> { ["USBMUXD_SOCKET_ADDRESS"] = "UNIX:" + phone.Home.Combine("no-usbmuxd.sock") };
        var backup = phone.Run(noUsbmuxd, "backup", "--wifi", address.ToString()).EnsureSuccess("keepsake backup --wifi");

        Assert.Contains($"Backing up {phone.Simulator.Udid}", backup.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("first snapshot of this phone", backup.StandardOutput, StringComparison.Ordinal);
        var withUdid = phone.Run(noUsbmuxd, "backup", "--wifi", address.ToString(), "--udid", phone.Simulator.Udid).EnsureSuccess("keepsake backup --wifi --udid");
        Assert.Contains("incremental backup", withUdid.StandardOutput, StringComparison.Ordinal);
    }

    [ToolFact("idevicepair")]
    public async Task BackupOverWifi_PairedOnlyThroughUsbmuxd_ReadsTheRecordFromUsbmuxd()
    {
        var address = SimulatedPhoneHome.UniqueLoopback();
        await using var phone = await SimulatedPhoneHome.StartAsync(configure: o => WithNetwork(o, address));
        ExternalTool.Run("idevicepair", ["pair"], TimeSpan.FromMinutes(1), new Dictionary<string, string> { ["USBMUXD_SOCKET_ADDRESS"] = phone.Simulator.UsbmuxdSocketAddress })
            .EnsureSuccess("idevicepair pair");
        Assert.False(File.Exists(Path.Combine(phone.DataFolder, "pair-records", phone.Simulator.Udid + ".plist")));

        phone.Run("backup", "--wifi", address.ToString()).EnsureSuccess("keepsake backup --wifi, the record in usbmuxd");

        Assert.True(File.Exists(Path.Combine(phone.DataFolder, "pair-records", phone.Simulator.Udid + ".plist")), "the record is copied for the next Wi-Fi run");
    }

    [Fact]
    public async Task BackupOverWifi_WrongUdidOrNotPairedOrNobodyThere_SaysWhichPlainly()
    {
        var address = SimulatedPhoneHome.UniqueLoopback();
        await using var phone = await SimulatedPhoneHome.StartAsync(configure: o => WithNetwork(o, address));

        var notPaired = phone.Run("backup", "--wifi", address.ToString());
        Assert.Equal(21, notPaired.ExitCode);
        Assert.Contains("not paired", notPaired.StandardError, StringComparison.Ordinal);
        Assert.Contains("keepsake pair", notPaired.StandardError, StringComparison.Ordinal);

        phone.Run("pair").EnsureSuccess("keepsake pair");
        var wrongUdid = phone.Run("backup", "--wifi", address.ToString(), "--udid", "00008030-000000000000000A");
        Assert.Equal(20, wrongUdid.ExitCode);
        Assert.Contains($"is {phone.Simulator.Udid}, not 00008030-000000000000000A", wrongUdid.StandardError, StringComparison.Ordinal);

        var nobody = phone.Run("backup", "--wifi", SimulatedPhoneHome.UniqueLoopback().ToString());
        Assert.Equal(20, nobody.ExitCode);
        Assert.Contains("no iPhone answers at", nobody.StandardError, StringComparison.Ordinal);

        var notAnAddress = phone.Run("backup", "--wifi", "my-phone");
        Assert.Equal(2, notAnAddress.ExitCode);
    }

    [Fact]
    public async Task DevicesAndBackup_UsbmuxdListsTheWifiRecord_ShownAndBackedUpOverWifiWhenTheCableIsOut()
    {
        var address = SimulatedPhoneHome.UniqueLoopback();
        await using var phone = await SimulatedPhoneHome.StartAsync(configure: o => WithNetwork(o, address, listNetworkDevice: true));
        phone.Run("pair").EnsureSuccess("keepsake pair (over the cable)");

        var both = phone.Run("devices", "--json").EnsureSuccess("keepsake devices --json");
        using (var listed = System.Text.Json.JsonDocument.Parse(both.StandardOutput))
        {
            var rows = listed.RootElement.EnumerateArray().ToList();
            Assert.Equal(["Network", "USB"], rows.Select(r => r.GetProperty("connection").GetString()).Order(StringComparer.Ordinal));
            Assert.All(rows, r => Assert.Equal(phone.Simulator.Udid, r.GetProperty("udid").GetString()));
            Assert.Equal(address.ToString(), rows.Single(r => r.GetProperty("connection").GetString() == "Network").GetProperty("address").GetString());
        }

        await phone.Simulator.DetachAsync();
        Assert.Contains($"Wi-Fi ({address})", phone.Run("devices").EnsureSuccess("keepsake devices").StandardOutput, StringComparison.Ordinal);
        var backup = phone.Run("backup").EnsureSuccess("keepsake backup (the phone on Wi-Fi only)");
        Assert.Contains($"Backing up {phone.Simulator.Udid}", backup.StandardOutput, StringComparison.Ordinal);
    }

    private static SimulatorOptions WithNetwork(SimulatorOptions o, System.Net.IPAddress address, bool listNetworkDevice = false) => new()
    {
        ListenAddress = o.ListenAddress,
        StateFolder = o.StateFolder,
        PhoneFolder = o.PhoneFolder,
        NetworkAddress = address,
        ListNetworkDevice = listNetworkDevice,
    };
}
