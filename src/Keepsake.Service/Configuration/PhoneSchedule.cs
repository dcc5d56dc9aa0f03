using Keepsake.Repository;

namespace Keepsake.Service.Configuration;

/// <summary>One phone's schedule: at most every <see cref="Interval"/>, optionally only within a daily window, over USB and/or Wi-Fi, kept with a retention policy.</summary>
public sealed record PhoneSchedule
{
    /// <summary>The default: at most every 24 hours, any time, USB or Wi-Fi, 7 daily / 4 weekly / 12 monthly / every yearly.</summary>
    public static PhoneSchedule Default { get; } = new();

    /// <summary>Whether the service backs the phone up at all.</summary>
    public bool Enabled { get; init; } = true;

    /// <summary>The least time between two successful backups.</summary>
    public TimeSpan Interval { get; init; } = TimeSpan.FromHours(24);

    /// <summary>A daily local-time window (may wrap past midnight), or null for any time.</summary>
    public TimeWindow? Window { get; init; }

    /// <summary>Back up over a USB attachment.</summary>
    public bool Usb { get; init; } = true;

    /// <summary>Back up over a Network (Wi-Fi) attachment.</summary>
    public bool Network { get; init; } = true;

    /// <summary>What <c>forget</c> keeps of this phone's snapshots after each backup.</summary>
    public RetentionPolicy Retention { get; init; } = new() { Daily = 7, Weekly = 4, Monthly = 12, Yearly = int.MaxValue };

    /// <summary>Whether the phone may be backed up over <paramref name="connectionType"/> ("USB" or "Network").</summary>
    public bool Allows(string connectionType) =>
        connectionType == Keepsake.Device.Usbmux.UsbmuxDevice.Usb ? Usb : Network;
}
