using System.Net.Sockets;
using System.Text;
using Keepsake.Service.Runtime;
using Keepsake.TestKit;

namespace Keepsake.Service.Tests.Runtime;

public sealed class SystemdNotifierTests
{
    [Fact]
    public async Task Start_WithNotifySocket_SendsReadyOnceListening_AndStoppingAtStop()
    {
        using var dir = new TempDirectory();
        var socketPath = dir.Combine("notify.sock");
        using var socket = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        socket.Bind(new UnixDomainSocketEndPoint(socketPath));
        var service = await ServiceFixture.StartAsync((_, o) => o with { NotifySocket = socketPath });
        var buffer = new byte[4096];
        var ready = Encoding.UTF8.GetString(buffer, 0, await socket.ReceiveAsync(buffer).WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.StartsWith("READY=1\n", ready, StringComparison.Ordinal);
        Assert.Contains($"MAINPID={Environment.ProcessId}", ready, StringComparison.Ordinal);
        Assert.Contains($"http://{service.Address}/", ready, StringComparison.Ordinal);
        await service.DisposeAsync();
        var stopping = Encoding.UTF8.GetString(buffer, 0, await socket.ReceiveAsync(buffer).WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal("STOPPING=1", stopping);
    }

    [Fact]
    public void Notify_NoSocket_SendsNothing() => Assert.False(new SystemdNotifier(null).Notify("READY=1"));
}
