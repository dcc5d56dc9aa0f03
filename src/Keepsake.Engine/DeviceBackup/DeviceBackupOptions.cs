namespace Keepsake.Engine.DeviceBackup;

/// <summary>How <see cref="DeviceBackupJob"/> runs.</summary>
public sealed record DeviceBackupOptions
{
    /// <summary>
    /// The folder that holds one working copy per device (<c>&lt;root&gt;/&lt;UDID&gt;</c>), in Apple's layout, so the
    /// phone sends only what changed since the last run (as Finder does).
    /// </summary>
    public required string WorkingRoot { get; init; }

    /// <summary>Ask the phone for a full backup even when a working copy exists.</summary>
    public bool ForceFull { get; init; }

    /// <summary>How long the phone may stay silent before the backup is abandoned as hung.</summary>
    public TimeSpan IdleTimeout { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>
    /// The phone's backup password, when known: used only to read the finished backup (to tell
    /// whether Messages in iCloud left messages out). Without it an encrypted backup is not read.
    /// </summary>
    public Keepsake.Primitives.Secret? BackupPassword { get; init; }
}
