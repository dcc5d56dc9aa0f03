using Keepsake.Plist;
using Keepsake.Primitives;

namespace Keepsake.Device.Services.MobileBackup2;

/// <summary>Options of a Restore request (idevicebackup2's --system, --settings, --remove, --skip-apps, --copy, --no-reboot, --password).</summary>
public sealed record MobileBackup2RestoreOptions
{
    public bool RestoreSystemFiles { get; init; }

    public bool PreserveSettings { get; init; } = true;

    public bool RemoveItemsNotRestored { get; init; }

    /// <summary>Do not ask the phone to reinstall the backup's apps (idevicebackup2 --skip-apps).</summary>
    public bool SkipApps { get; init; }

    /// <summary>
    /// The apps the phone should reinstall: the backup's Info.plist <c>Applications</c> dictionary (bundle ID →
    /// details), which the caller reads from the backup. Unless <see cref="SkipApps"/> is set, it is written to
    /// the phone's <c>/iTunesRestore/RestoreApplications.plist</c> over AFC before the restore starts, as iTunes
    /// and idevicebackup2 do. Null or empty writes nothing.
    /// </summary>
    public PlistDictionary? Applications { get; init; }

    /// <summary>Keep a copy of the backup on the device side (idevicebackup2 --copy).</summary>
    public bool CopyBackup { get; init; }

    public bool Reboot { get; init; } = true;

    /// <summary>The backup password for encrypted backups.</summary>
    public Secret? Password { get; init; }
}
