namespace Keepsake.Device.Usbmux;

/// <summary>A notification from a usbmuxd <c>Listen</c> connection.</summary>
/// <param name="Kind">Attached, Detached or Paired.</param>
/// <param name="DeviceId">usbmuxd's device handle.</param>
/// <param name="Device">The full record (Attached only).</param>
public sealed record UsbmuxDeviceEvent(UsbmuxDeviceEventKind Kind, uint DeviceId, UsbmuxDevice? Device);
