namespace Keepsake.Device.Transport;

/// <summary>How a plist is encoded on a device channel.</summary>
public enum ServicePlistFormat
{
    /// <summary>XML plist: usbmuxd, lockdownd, notification_proxy.</summary>
    Xml,

    /// <summary>Binary plist (<c>bplist00</c>): DeviceLink / mobilebackup2.</summary>
    Binary,
}
