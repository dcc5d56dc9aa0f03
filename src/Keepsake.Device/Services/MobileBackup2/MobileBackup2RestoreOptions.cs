using Keepsake.Primitives;

namespace Keepsake.Device.Services.MobileBackup2;

/// <summary>Options of a Restore request (idevicebackup2's --system, --settings, --remove, --skip-apps, --copy, --no-reboot, --password).</summary>
public sealed class MobileBackup2RestoreOptions
{
    public bool RestoreSystemFiles { get; init; }

    public bool PreserveSettings { get; init; } = true;

    public bool RemoveItemsNotRestored { get; init; }

    public bool SkipApps { get; init; }

    /// <summary>Keep a copy of the backup on the device side (idevicebackup2 --copy).</summary>
    public bool CopyBackup { get; init; }

    public bool Reboot { get; init; } = true;

    /// <summary>The backup password for encrypted backups.</summary>
    public Secret? Password { get; init; }
}
