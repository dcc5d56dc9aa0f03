namespace Keepsake.Engine.DeviceBackup;

/// <summary>How <see cref="DeviceBackupJob"/> runs.</summary>
public sealed record DeviceBackupOptions
{
    /// <summary>
    /// The folder under which the phone's backup folder is recorded in the snapshot (<c>&lt;root&gt;/&lt;UDID&gt;</c>);
    /// nothing is written there. A working copy left there by an earlier version is used once as the base of
    /// the next backup and removed after it succeeds.
    /// </summary>
    public required string WorkingRoot { get; init; }

    /// <summary>
    /// Where the run's owner-only temporary folder goes (bookkeeping files only); by default <c>tmp</c> next to
    /// <see cref="WorkingRoot"/>.
    /// </summary>
    public string? TemporaryRoot { get; init; }

    /// <summary>Free bytes where the vault grows, answered to the phone; by default the local vault's disk (or the temporary folder's).</summary>
    public Func<long>? VaultFreeSpace { get; init; }

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
