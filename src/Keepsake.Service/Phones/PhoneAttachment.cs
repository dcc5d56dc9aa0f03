namespace Keepsake.Service.Phones;

/// <summary>A phone usbmuxd reports as attached.</summary>
/// <param name="Device">usbmuxd's record (its handle, UDID, "USB" or "Network", and the address of a Network one).</param>
public sealed record PhoneAttachment(Keepsake.Device.Usbmux.UsbmuxDevice Device)
{
    public string Udid => Device.Udid;

    public string ConnectionType => Device.ConnectionType;
}
