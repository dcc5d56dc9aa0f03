using Keepsake.Device.Lockdown;
using Keepsake.Device.Services.InstallationProxy;
using Keepsake.Device.Services.SpringBoard;
using Keepsake.Plist;

namespace Keepsake.Device.Tests.Services.InstallationProxy;

public sealed class InstallationProxyClientTests
{
    [Fact]
    public async Task BrowseAsync_UserApps_ListsEachAppDomainWithTheAttributesAsked()
    {
        await using var session = await SimulatorSession.StartAsync(fillPhone: phone =>
        {
            SimulatorSession.SmallPhone(phone);
            Keepsake.Device.Simulator.Phone.BuiltInPhone.Write(phone, "AppDomain-net.example.notes", "Documents/n.txt", "n"u8.ToArray());
            Keepsake.Device.Simulator.Phone.BuiltInPhone.Write(phone, "AppDomainGroup-group.net.example", "x.txt", "x"u8.ToArray());
        });
        await using var lockdown = await LockdownClient.ConnectWithSessionAsync(await HostSide.ConnectorAsync(session));
        await using var proxy = await InstallationProxyClient.StartAsync(lockdown);

        var apps = await proxy.BrowseAsync("User", ["CFBundleIdentifier", "iTunesMetadata"]);
        var none = await proxy.BrowseAsync("System", []);

        Assert.Equal(["com.example.app", "net.example.notes"], apps.Select(a => a.GetString("CFBundleIdentifier")));
        Assert.All(apps, a => Assert.Equal(["CFBundleIdentifier", "iTunesMetadata"], a.Keys.Order(StringComparer.Ordinal)));
        Assert.Empty(none);
    }

    [Fact]
    public async Task GetIconPngDataAsync_KnownAndUnknownApp_PngOrNull()
    {
        await using var session = await SimulatorSession.StartAsync();
        await using var lockdown = await LockdownClient.ConnectWithSessionAsync(await HostSide.ConnectorAsync(session));
        await using var icons = await SpringBoardServicesClient.StartAsync(lockdown);

        var png = await icons.GetIconPngDataAsync("com.example.app");
        var missing = await icons.GetIconPngDataAsync("com.example.absent");

        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], png![..4]);
        Assert.Null(missing);
    }

    [Fact]
    public async Task BrowseAsync_DeviceReportsError_ThrowsWithItsName()
    {
        var (host, device) = await Transport.ServiceConnectionTests.PairAsync();
        await using var client = new InstallationProxyClient(new Keepsake.Device.Transport.ServiceConnection(host));
        await using var phone = new Keepsake.Device.Transport.ServiceConnection(device);
        var browse = client.BrowseAsync("User", []);
        Assert.Equal("Browse", (await phone.ReceivePlistAsync()).AsDictionary().GetString("Command"));
        await phone.SendPlistAsync(new PlistDictionary { ["Error"] = "APIInternalError", ["ErrorDescription"] = "busy" }, Keepsake.Device.Transport.ServicePlistFormat.Xml);

        var error = await Assert.ThrowsAsync<InstallationProxyException>(() => browse);

        Assert.Equal("APIInternalError", error.Error);
        Assert.Contains("busy", error.Message, StringComparison.Ordinal);
    }
}
