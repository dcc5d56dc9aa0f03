namespace Keepsake.Device.Usbmux;

/// <summary>The <c>message</c> field of a usbmuxd packet header (wire values).</summary>
public enum UsbmuxMessageType : uint
{
    Result = 1,
    Connect = 2,
    Listen = 3,
    DeviceAdd = 4,
    DeviceRemove = 5,
    DevicePaired = 6,

    /// <summary>The payload is an XML plist dictionary (protocol version 1).</summary>
    Plist = 8,
}
