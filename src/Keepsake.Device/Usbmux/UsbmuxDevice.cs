namespace Keepsake.Device.Usbmux;

/// <summary>A device as usbmuxd reports it.</summary>
/// <param name="DeviceId">usbmuxd's handle for the attachment (used by Connect).</param>
/// <param name="Udid">The device's unique id (usbmuxd SerialNumber).</param>
/// <param name="ConnectionType">"USB" or "Network".</param>
/// <param name="ProductId">USB product id.</param>
/// <param name="LocationId">USB location id.</param>
/// <param name="NetworkAddress">sockaddr blob for network devices.</param>
public sealed record UsbmuxDevice(uint DeviceId, string Udid, string ConnectionType, uint ProductId, uint LocationId, byte[]? NetworkAddress = null)
{
    public const string Usb = "USB";
    public const string Network = "Network";

    /// <summary>For a Wi-Fi device, its IP address (from <see cref="NetworkAddress"/>); else null.</summary>
    public System.Net.IPAddress? IPAddress =>
        ConnectionType == Network && NetworkAddress is { } data ? UsbmuxNetworkAddress.Parse(data) : null;
}
