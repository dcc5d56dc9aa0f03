using Keepsake.Repository;
using Keepsake.Repository.Snapshots;

namespace Keepsake.Engine.DeviceBackup;

/// <summary>What a device backup did.</summary>
public sealed record DeviceBackupResult
{
    public required string Udid { get; init; }

    public required string DeviceName { get; init; }

    public required Snapshot Snapshot { get; init; }

    /// <summary>The device's previous snapshot, when there was one.</summary>
    public Snapshot? Previous { get; init; }

    /// <summary>Changes since <see cref="Previous"/>, in the backup's own files (restic diff modifiers).</summary>
    public required IReadOnlyList<SnapshotChange> Changes { get; init; }

    /// <summary>Files and bytes added, changed and removed since <see cref="Previous"/>; null for a first snapshot.</summary>
    public BackupChangeSummary? ChangeSummary { get; init; }

    public required BackupResult Stored { get; init; }

    public required bool WasFull { get; init; }

    public required bool IsEncrypted { get; init; }

    /// <summary>The phone's backup folder as recorded in the snapshot (<c>&lt;working root&gt;/&lt;UDID&gt;</c>; not on disk).</summary>
    public required string BackupFolder { get; init; }

    /// <summary>The working copy an earlier version kept for this phone, when there was one: stored in this snapshot, then removed.</summary>
    public string? RemovedWorkingCopy { get; init; }

    public required TimeSpan Duration { get; init; }

    /// <summary>Things the user should know (an unencrypted backup leaves data out...).</summary>
    public required IReadOnlyList<string> Warnings { get; init; }

    /// <summary>Whether Messages in iCloud is on and what it left in the backup.</summary>
    public required MessagesInICloudReport MessagesInICloud { get; init; }
}
