using Keepsake.Device.Usbmux;

namespace Keepsake.Device.Transport;

/// <summary>Reaches a device through usbmuxd; pair records and the BUID live in usbmuxd.</summary>
public sealed class UsbmuxDeviceConnector(UsbmuxClient client, UsbmuxDevice device) : IDeviceConnector
{
    private readonly UsbmuxClient _client = client ?? throw new ArgumentNullException(nameof(client));
    private readonly UsbmuxDevice _device = device ?? throw new ArgumentNullException(nameof(device));

    public string Udid => _device.Udid;

    /// <summary>The first USB device usbmuxd lists (or the one with <paramref name="udid"/>).</summary>
    public static async Task<UsbmuxDeviceConnector> FindAsync(UsbmuxClient client, string? udid = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        var devices = await client.ListDevicesAsync(cancellationToken).ConfigureAwait(false);
        var device = devices.FirstOrDefault(d => udid is null ? d.ConnectionType == UsbmuxDevice.Usb : string.Equals(d.Udid, udid, StringComparison.OrdinalIgnoreCase))
            ?? throw new UsbmuxException(udid is null ? "No iPhone is connected (usbmuxd lists no USB device)." : $"Device {udid} is not connected.");
        return new UsbmuxDeviceConnector(client, device);
    }

    public Task<Stream> ConnectAsync(ushort port, CancellationToken cancellationToken = default) =>
        _client.ConnectAsync(_device.DeviceId, port, cancellationToken);

    public Task<byte[]?> ReadPairRecordAsync(CancellationToken cancellationToken = default) =>
        _client.ReadPairRecordAsync(_device.Udid, cancellationToken);

    public Task SavePairRecordAsync(ReadOnlyMemory<byte> record, CancellationToken cancellationToken = default) =>
        _client.SavePairRecordAsync(_device.Udid, _device.DeviceId, record, cancellationToken);

    public Task<string> ReadSystemBuidAsync(CancellationToken cancellationToken = default) =>
        _client.ReadBuidAsync(cancellationToken);
}
