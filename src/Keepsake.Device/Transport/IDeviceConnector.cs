namespace Keepsake.Device.Transport;

/// <summary>
/// How the host reaches one device and where its pairing lives: through usbmuxd (USB) or directly
/// over TCP (Wi-Fi). Two implementations: <see cref="UsbmuxDeviceConnector"/> and <see cref="TcpDeviceConnector"/>.
/// </summary>
public interface IDeviceConnector
{
    /// <summary>The device's UDID.</summary>
    string Udid { get; }

    /// <summary>Opens a new byte stream to a device TCP port (62078 = lockdownd). The caller owns it.</summary>
    Task<Stream> ConnectAsync(ushort port, CancellationToken cancellationToken = default);

    /// <summary>The stored pair record bytes (plist) for this device, or null when not paired.</summary>
    Task<byte[]?> ReadPairRecordAsync(CancellationToken cancellationToken = default);

    /// <summary>Stores the pair record; must keep it readable by the owner only.</summary>
    Task SavePairRecordAsync(ReadOnlyMemory<byte> record, CancellationToken cancellationToken = default);

    /// <summary>The host's system BUID.</summary>
    Task<string> ReadSystemBuidAsync(CancellationToken cancellationToken = default);
}
