namespace Keepsake.Device.Usbmux;

/// <summary>The <c>Number</c> of a usbmuxd <c>Result</c> message (wire values; other numbers are errno values).</summary>
public enum UsbmuxResult : uint
{
    Ok = 0,
    BadCommand = 1,

    /// <summary>Unknown device, or (for pair records) "no such record" (ENOENT).</summary>
    BadDevice = 2,

    /// <summary>Nothing listens on the requested device port.</summary>
    ConnectionRefused = 3,
    BadVersion = 6,
}
