using System.Net.Sockets;
using Keepsake.Device.Usbmux;
using Keepsake.Plist;

namespace Keepsake.Cli.Tests;

/// <summary>
/// One usbmuxd socket in front of several simulated iPhones (each simulator serves one phone behind its own
/// usbmuxd), as a computer with two phones on its cables looks to Keepsake. ListDevices merges the lists, giving
/// phone N's device ids N*100 higher; Connect and the pair-record messages go to the phone they name.
/// </summary>
internal sealed class TwoPhoneUsbmuxd : IAsyncDisposable
{
    private const uint Stride = 100;
    private readonly Socket _listener;
    private readonly IReadOnlyList<System.Net.EndPoint> _upstreams;
    private readonly IReadOnlyList<string> _udids;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accept;

    public TwoPhoneUsbmuxd(string socketPath, IReadOnlyList<(System.Net.EndPoint EndPoint, string Udid)> phones)
    {
        _upstreams = [.. phones.Select(p => p.EndPoint)];
        _udids = [.. phones.Select(p => p.Udid)];
        _listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        _listener.Bind(new UnixDomainSocketEndPoint(socketPath));
        _listener.Listen(16);
        SocketAddress = "UNIX:" + socketPath;
        _accept = AcceptAsync();
    }

    /// <summary>The value of USBMUXD_SOCKET_ADDRESS that points a keepsake process here.</summary>
    public string SocketAddress { get; }

    private async Task AcceptAsync()
    {
        try
        {
            while (true)
            {
                var client = await _listener.AcceptAsync(_stop.Token);
                _ = ServeAsync(new NetworkStream(client, ownsSocket: true));
            }
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }
    }

    private async Task ServeAsync(NetworkStream client)
    {
        var token = _stop.Token;
        try
        {
            while (await UsbmuxPacket.ReadAsync(client, token) is { } packet)
            {
                switch (packet.MessageType)
                {
                    case UsbmuxMessages.ListDevices:
                        var list = new PlistArray();
                        for (var phone = 0; phone < _upstreams.Count; phone++)
                        {
                            foreach (var device in await new UsbmuxClient(_upstreams[phone]).ListDevicesAsync(token))
                            {
                                list.Add(UsbmuxMessages.AttachedMessage(new UsbmuxDevice(device.DeviceId + ((uint)phone * Stride), device.Udid, device.ConnectionType, device.ProductId, device.LocationId, device.NetworkAddress)));
                            }
                        }

                        await new UsbmuxPacket(packet.Tag, new PlistDictionary { ["DeviceList"] = list }).WriteAsync(client, token);
                        break;
                    case UsbmuxMessages.Connect:
                        var id = (uint)(packet.Payload.GetInt64("DeviceID") ?? 0);
                        packet.Payload["DeviceID"] = (long)(id % Stride);
                        await using (var upstream = await ForwardAsync((int)(id / Stride), packet, client, token))
                        {
                            // After an Ok the socket is the phone's port: copy both ways until either side closes.
                            await Task.WhenAny(client.CopyToAsync(upstream, token), upstream.CopyToAsync(client, token));
                        }

                        return;
                    default:
                        var udid = packet.Payload.GetString("PairRecordID");
                        var index = udid is null ? 0 : Math.Max(0, _udids.ToList().FindIndex(u => string.Equals(u, udid, StringComparison.OrdinalIgnoreCase)));
                        if (packet.Payload.GetInt64("DeviceID") is { } deviceId)
                        {
                            packet.Payload["DeviceID"] = deviceId % Stride;
                        }

                        await (await ForwardAsync(index, packet, client, token)).DisposeAsync();
                        break;
                }
            }
        }
        catch (Exception e) when (e is IOException or OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }
        finally
        {
            await client.DisposeAsync();
        }
    }

    /// <summary>Sends <paramref name="packet"/> to phone <paramref name="phone"/>'s usbmuxd and relays its one reply; returns the open upstream.</summary>
    private async Task<Stream> ForwardAsync(int phone, UsbmuxPacket packet, Stream client, CancellationToken token)
    {
        var socket = await UsbmuxAddress.ConnectAsync(_upstreams[phone], token);
        var upstream = new NetworkStream(socket, ownsSocket: true);
        await packet.WriteAsync(upstream, token);
        var reply = await UsbmuxPacket.ReadAsync(upstream, token) ?? throw new IOException("the simulator's usbmuxd closed without a reply.");
        await reply.WriteAsync(client, token);
        return upstream;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Dispose();
        await _accept;
        _stop.Dispose();
    }
}
