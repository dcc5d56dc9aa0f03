using Keepsake.Primitives;
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
    private readonly PairRecordStore _records = new(pairRecordFolder);

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

    public Task<byte[]?> ReadPairRecordAsync(CancellationToken cancellationToken = default) => _records.ReadAsync(Udid, cancellationToken);

    public Task SavePairRecordAsync(ReadOnlyMemory<byte> record, CancellationToken cancellationToken = default) => _records.SaveAsync(Udid, record, cancellationToken);

    public async Task<string> ReadSystemBuidAsync(CancellationToken cancellationToken = default)
    {
        var path = Path.Combine(_records.Folder, "SystemBUID");
        if (File.Exists(path))
        {
            return (await File.ReadAllTextAsync(path, cancellationToken).ConfigureAwait(false)).Trim();
        }

        _records.CreateFolder();
        var buid = Guid.NewGuid().ToString("D").ToUpperInvariant();
        await OwnerOnlyFile.WriteAllBytesAsync(path, System.Text.Encoding.ASCII.GetBytes(buid), cancellationToken).ConfigureAwait(false);
        return buid;
    }
}
