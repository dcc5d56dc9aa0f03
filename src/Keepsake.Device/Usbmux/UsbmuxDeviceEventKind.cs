namespace Keepsake.Device.Usbmux;

/// <summary>What a usbmuxd <c>Listen</c> notification reports.</summary>
public enum UsbmuxDeviceEventKind
{
    Attached,
    Detached,
    Paired,
}
