using Keepsake.Device.Lockdown;
using Keepsake.Device.Services.Afc;

namespace Keepsake.Device.Tests.Services.Afc;

public sealed class AfcClientTests
{
    [Fact]
    public async Task ReadDirectoryAsync_CameraRoll_ListsPhotos()
    {
        await using var session = await SimulatorSession.StartAsync();
        await using var lockdown = await LockdownClient.ConnectWithSessionAsync(await HostSide.ConnectorAsync(session));
        await using var afc = await AfcClient.StartAsync(lockdown);
        Assert.Equal(["DCIM"], await afc.ReadDirectoryAsync("/"));
        Assert.Equal(["IMG_0001.JPG"], await afc.ReadDirectoryAsync("/DCIM/100APPLE"));
    }

    [Fact]
    public async Task GetFileInfoAsync_Photo_ReportsSizeAndType()
    {
        await using var session = await SimulatorSession.StartAsync();
        await using var lockdown = await LockdownClient.ConnectWithSessionAsync(await HostSide.ConnectorAsync(session));
        await using var afc = await AfcClient.StartAsync(lockdown);
        var info = await afc.GetFileInfoAsync("/DCIM/100APPLE/IMG_0001.JPG");
        Assert.Equal("150000", info["st_size"]);
        Assert.Equal("S_IFREG", info["st_ifmt"]);
        Assert.Equal("S_IFDIR", (await afc.GetFileInfoAsync("/DCIM"))["st_ifmt"]);
    }

    [Fact]
    public async Task ReadFileAsync_Photo_SameBytesAsPhoneFolder()
    {
        await using var session = await SimulatorSession.StartAsync();
        await using var lockdown = await LockdownClient.ConnectWithSessionAsync(await HostSide.ConnectorAsync(session));
        await using var afc = await AfcClient.StartAsync(lockdown);
        using var copy = new MemoryStream();
        var bytes = await afc.ReadFileAsync("/DCIM/100APPLE/IMG_0001.JPG", copy);
        Assert.Equal(150_000, bytes);
        Assert.Equal(File.ReadAllBytes(Path.Combine(session.PhoneFolder, "CameraRollDomain", "Media", "DCIM", "100APPLE", "IMG_0001.JPG")), copy.ToArray());
    }

    [Fact]
    public async Task GetFileInfoAsync_Missing_ThrowsObjectNotFoundWithPath()
    {
        await using var session = await SimulatorSession.StartAsync();
        await using var lockdown = await LockdownClient.ConnectWithSessionAsync(await HostSide.ConnectorAsync(session));
        await using var afc = await AfcClient.StartAsync(lockdown);
        var ex = await Assert.ThrowsAsync<AfcException>(() => afc.GetFileInfoAsync("/DCIM/nope.jpg"));
        Assert.Equal(AfcStatus.ObjectNotFound, ex.Status);
        Assert.Equal("/DCIM/nope.jpg", ex.Path);
    }

    [Fact]
    public async Task ReadDirectoryAsync_EscapingPath_IsRefused()
    {
        await using var session = await SimulatorSession.StartAsync();
        await using var lockdown = await LockdownClient.ConnectWithSessionAsync(await HostSide.ConnectorAsync(session));
        await using var afc = await AfcClient.StartAsync(lockdown);
        var ex = await Assert.ThrowsAsync<AfcException>(() => afc.ReadDirectoryAsync("/../../.."));
        Assert.Equal(AfcStatus.PermissionDenied, ex.Status);
    }
}
