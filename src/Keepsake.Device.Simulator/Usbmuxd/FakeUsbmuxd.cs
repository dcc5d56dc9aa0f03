using System.Net;
using System.Net.Sockets;
using Keepsake.Device.Usbmux;
using Keepsake.Plist;
using Keepsake.Primitives;

namespace Keepsake.Device.Simulator.Usbmuxd;

/// <summary>
/// A usbmuxd stand-in: plist protocol on a UNIX socket or loopback TCP, one attached USB device (and,
/// when the phone listens on a network address, its Wi-Fi record as Apple's usbmuxd lists it), pair
/// records and the system BUID kept in a folder, Connect tunnelled to the simulated device.
/// </summary>
internal sealed class FakeUsbmuxd : IAsyncDisposable
{
    private const uint DeviceId = 1;
    private const uint NetworkDeviceId = 2;
    private readonly Socket _listener;
    private readonly SimulatedDevice _device;
    private readonly string _folder;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _clients = [];
    private readonly List<Stream> _listeners = [];
    private readonly Lock _lock = new();
    private readonly string? _unixPath;
    private Task? _acceptLoop;
    private volatile bool _attached = true;

    private readonly IPAddress? _networkAddress;

    public FakeUsbmuxd(EndPoint endPoint, SimulatedDevice device, string folder, IPAddress? networkAddress = null)
    {
        _device = device;
        _networkAddress = networkAddress;
        _folder = folder;
        Directory.CreateDirectory(folder);
        if (endPoint is UnixDomainSocketEndPoint unix)
        {
            _unixPath = unix.ToString();
            if (File.Exists(_unixPath))
            {
                File.Delete(_unixPath);
            }

            _listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        }
        else
        {
            _listener = new Socket(endPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        }

        _listener.Bind(endPoint);
        _listener.Listen(64);
        EndPoint = _listener.LocalEndPoint ?? endPoint;
        if (EndPoint is UnixDomainSocketEndPoint && _unixPath is not null)
        {
            EndPoint = new UnixDomainSocketEndPoint(_unixPath);
        }
    }

    public EndPoint EndPoint { get; }

    public UsbmuxDevice Device => new(DeviceId, _device.Identity.Udid, UsbmuxDevice.Usb, 0x12a8, 0x14100000);

    /// <summary>The phone's Wi-Fi record (present while it listens on a network address, cable or not).</summary>
    public UsbmuxDevice? NetworkDevice => _networkAddress is { } address
        ? new(NetworkDeviceId, _device.Identity.Udid, UsbmuxDevice.Network, 0, 0, UsbmuxNetworkAddress.Encode(address))
        : null;

    private PlistArray DeviceRecords()
    {
        var list = new PlistArray();
        if (_attached)
        {
            list.Add(UsbmuxMessages.AttachedMessage(Device));
        }

        if (NetworkDevice is { } network)
        {
            list.Add(UsbmuxMessages.AttachedMessage(network));
        }

        return list;
    }

    public void Start() => _acceptLoop = AcceptLoopAsync(_stop.Token);

    /// <summary>Simulates unplugging (false) or plugging in (true) the cable; listeners are told.</summary>
    public async Task SetAttachedAsync(bool attached)
    {
        if (_attached == attached)
        {
            return;
        }

        _attached = attached;
        await NotifyAsync(attached
            ? UsbmuxMessages.AttachedMessage(Device)
            : new PlistDictionary { ["MessageType"] = UsbmuxMessages.Detached, ["DeviceID"] = (long)DeviceId }).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        _listener.Dispose();
        lock (_lock)
        {
            foreach (var listener in _listeners)
            {
                listener.Dispose();
            }
        }

        if (_acceptLoop is not null)
        {
            await _acceptLoop.ConfigureAwait(false);
        }

        Task[] clients;
        lock (_lock)
        {
            clients = [.. _clients];
        }

        await Task.WhenAll(clients).WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        if (_unixPath is not null && File.Exists(_unixPath))
        {
            File.Delete(_unixPath);
        }

        _stop.Dispose();
    }

    private async Task AcceptLoopAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await _listener.AcceptAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }

            if (socket.AddressFamily != AddressFamily.Unix)
            {
                socket.NoDelay = true;
            }

            var task = Task.Run(() => ServeClientAsync(socket, cancellationToken), CancellationToken.None);
            lock (_lock)
            {
                _clients.RemoveAll(t => t.IsCompleted);
                _clients.Add(task);
            }
        }
    }

    private async Task ServeClientAsync(Socket socket, CancellationToken cancellationToken)
    {
        var stream = new NetworkStream(socket, ownsSocket: true);
        var handedOver = false;
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                var packet = await UsbmuxPacket.ReadAsync(stream, cancellationToken).ConfigureAwait(false);
                if (packet is null)
                {
                    return;
                }

                switch (packet.MessageType)
                {
                    case UsbmuxMessages.ListDevices:
                        await Reply(stream, packet, new PlistDictionary { ["DeviceList"] = DeviceRecords() }, cancellationToken).ConfigureAwait(false);
                        break;
                    case UsbmuxMessages.Listen:
                        await Reply(stream, packet, UsbmuxMessages.ResultMessage(UsbmuxResult.Ok), cancellationToken).ConfigureAwait(false);
                        foreach (var attached in DeviceRecords())
                        {
                            await new UsbmuxPacket(0, (PlistDictionary)attached).WriteAsync(stream, cancellationToken).ConfigureAwait(false);
                        }

                        lock (_lock)
                        {
                            _listeners.Add(stream);
                        }

                        handedOver = true;
                        return;
                    case UsbmuxMessages.Connect:
                        var id = packet.Payload.GetInt64("DeviceID");
                        var port = UsbmuxMessages.SwapPort((ushort)(packet.Payload.GetInt64("PortNumber") ?? 0));
                        // Apple's usbmuxd also tunnels to a Wi-Fi device (libimobiledevice connects to its address instead).
                        if (!((id == DeviceId && _attached) || (id == NetworkDeviceId && _networkAddress is not null)))
                        {
                            await Reply(stream, packet, UsbmuxMessages.ResultMessage(UsbmuxResult.BadDevice), cancellationToken).ConfigureAwait(false);
                            break;
                        }

                        if (!_device.ListensOn(port))
                        {
                            await Reply(stream, packet, UsbmuxMessages.ResultMessage(UsbmuxResult.ConnectionRefused), cancellationToken).ConfigureAwait(false);
                            break;
                        }

                        await Reply(stream, packet, UsbmuxMessages.ResultMessage(UsbmuxResult.Ok), cancellationToken).ConfigureAwait(false);
                        handedOver = true;
                        await _device.ServeAsync(port, stream, cancellationToken).ConfigureAwait(false);
                        return;
                    case UsbmuxMessages.ReadBuid:
                        await Reply(stream, packet, new PlistDictionary { ["BUID"] = ReadOrCreateBuid() }, cancellationToken).ConfigureAwait(false);
                        break;
                    case UsbmuxMessages.ReadPairRecord:
                        var record = RecordPath(packet.Payload.GetString("PairRecordID"));
                        await Reply(stream, packet, record is not null && File.Exists(record)
                            ? new PlistDictionary { ["PairRecordData"] = await File.ReadAllBytesAsync(record, cancellationToken).ConfigureAwait(false) }
                            : UsbmuxMessages.ResultMessage(UsbmuxResult.BadDevice), cancellationToken).ConfigureAwait(false);
                        break;
                    case UsbmuxMessages.SavePairRecord:
                        var target = RecordPath(packet.Payload.GetString("PairRecordID"));
                        var data = packet.Payload.GetData("PairRecordData");
                        if (target is null || data is null)
                        {
                            await Reply(stream, packet, UsbmuxMessages.ResultMessage((UsbmuxResult)22), cancellationToken).ConfigureAwait(false);
                            break;
                        }

                        await OwnerOnlyFile.WriteAllBytesAsync(target, data, cancellationToken).ConfigureAwait(false);
                        await Reply(stream, packet, UsbmuxMessages.ResultMessage(UsbmuxResult.Ok), cancellationToken).ConfigureAwait(false);
                        await NotifyAsync(new PlistDictionary { ["MessageType"] = UsbmuxMessages.Paired, ["DeviceID"] = (long)DeviceId }).ConfigureAwait(false);
                        break;
                    case UsbmuxMessages.DeletePairRecord:
                        var victim = RecordPath(packet.Payload.GetString("PairRecordID"));
                        if (victim is not null && File.Exists(victim))
                        {
                            File.Delete(victim);
                        }

                        await Reply(stream, packet, UsbmuxMessages.ResultMessage(UsbmuxResult.Ok), cancellationToken).ConfigureAwait(false);
                        break;
                    default:
                        await Reply(stream, packet, UsbmuxMessages.ResultMessage(UsbmuxResult.BadCommand), cancellationToken).ConfigureAwait(false);
                        break;
                }
            }
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException or ObjectDisposedException or SocketException)
        {
            // The client went away; nothing to clean beyond the socket.
        }
        finally
        {
            if (!handedOver)
            {
                await stream.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    private static Task Reply(Stream stream, UsbmuxPacket request, PlistDictionary payload, CancellationToken cancellationToken) =>
        new UsbmuxPacket(request.Tag, payload).WriteAsync(stream, cancellationToken);

    private async Task NotifyAsync(PlistDictionary message)
    {
        Stream[] listeners;
        lock (_lock)
        {
            listeners = [.. _listeners];
        }

        foreach (var listener in listeners)
        {
            try
            {
                await new UsbmuxPacket(0, message).WriteAsync(listener).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is IOException or ObjectDisposedException)
            {
                lock (_lock)
                {
                    _listeners.Remove(listener);
                }
            }
        }
    }

    private string ReadOrCreateBuid()
    {
        var path = Path.Combine(_folder, "SystemBUID");
        lock (_lock)
        {
            if (!File.Exists(path))
            {
                File.WriteAllText(path, Guid.NewGuid().ToString("D").ToUpperInvariant());
            }

            return File.ReadAllText(path).Trim();
        }
    }

    private string? RecordPath(string? udid) =>
        string.IsNullOrEmpty(udid) || udid.Any(c => !(char.IsAsciiLetterOrDigit(c) || c == '-')) ? null : Path.Combine(_folder, udid + ".plist");
}
