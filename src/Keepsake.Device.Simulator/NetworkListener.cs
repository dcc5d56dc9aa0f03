using System.Net;
using System.Net.Sockets;

namespace Keepsake.Device.Simulator;

/// <summary>Direct TCP listeners on the device's own ports, for hosts that connect over Wi-Fi without usbmuxd.</summary>
internal sealed class NetworkListener : IAsyncDisposable
{
    private readonly List<Socket> _sockets = [];
    private readonly List<Task> _loops = [];
    private readonly CancellationTokenSource _stop = new();

    public NetworkListener(IPAddress address, SimulatedDevice device, IEnumerable<ushort> ports)
    {
        foreach (var port in ports)
        {
            var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
            socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
            socket.Bind(new IPEndPoint(address, port));
            socket.Listen(16);
            _sockets.Add(socket);
            _loops.Add(AcceptAsync(socket, port, device, _stop.Token));
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        foreach (var socket in _sockets)
        {
            socket.Dispose();
        }

        await Task.WhenAll(_loops).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _stop.Dispose();
    }

    private static async Task AcceptAsync(Socket listener, ushort port, SimulatedDevice device, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await listener.AcceptAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }

            client.NoDelay = true;
            _ = Task.Run(() => device.ServeAsync(port, new NetworkStream(client, ownsSocket: true), cancellationToken), CancellationToken.None);
        }
    }
}
