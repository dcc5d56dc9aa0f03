using System.Net;
using System.Net.Sockets;

namespace Keepsake.Device.Transport;

/// <summary>
/// Reaches a paired device directly over TCP (Wi-Fi sync), at its address, without usbmuxd. The
/// pair record and system BUID are files in <paramref name="pairRecordFolder"/> (<c>&lt;UDID&gt;.plist</c>,
/// <c>SystemBUID</c>), written owner-only.
/// </summary>
public sealed class TcpDeviceConnector(IPAddress address, string udid, string pairRecordFolder) : IDeviceConnector
{
    private readonly IPAddress _address = address ?? throw new ArgumentNullException(nameof(address));
    private readonly string _folder = pairRecordFolder ?? throw new ArgumentNullException(nameof(pairRecordFolder));

    public string Udid { get; } = string.IsNullOrEmpty(udid) ? throw new ArgumentException("A UDID is required.", nameof(udid)) : udid;

    public async Task<Stream> ConnectAsync(ushort port, CancellationToken cancellationToken = default)
    {
        var socket = new Socket(_address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(new IPEndPoint(_address, port), cancellationToken).ConfigureAwait(false);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch (SocketException ex)
        {
            socket.Dispose();
            throw new IOException($"Cannot reach the device at {_address} port {port}: {ex.Message}", ex);
        }
    }

    public async Task<byte[]?> ReadPairRecordAsync(CancellationToken cancellationToken = default)
    {
        var path = RecordPath();
        return File.Exists(path) ? await File.ReadAllBytesAsync(path, cancellationToken).ConfigureAwait(false) : null;
    }

    public async Task SavePairRecordAsync(ReadOnlyMemory<byte> record, CancellationToken cancellationToken = default)
    {
        Directory.CreateDirectory(_folder);
        await OwnerOnlyFile.WriteAsync(RecordPath(), record, cancellationToken).ConfigureAwait(false);
    }

    public async Task<string> ReadSystemBuidAsync(CancellationToken cancellationToken = default)
    {
        var path = Path.Combine(_folder, "SystemBUID");
        if (File.Exists(path))
        {
            return (await File.ReadAllTextAsync(path, cancellationToken).ConfigureAwait(false)).Trim();
        }

        Directory.CreateDirectory(_folder);
        var buid = Guid.NewGuid().ToString("D").ToUpperInvariant();
        await OwnerOnlyFile.WriteAsync(path, System.Text.Encoding.ASCII.GetBytes(buid), cancellationToken).ConfigureAwait(false);
        return buid;
    }

    private string RecordPath() => new Keepsake.Primitives.SafePath(_folder).Resolve(Udid + ".plist");
}
