using Keepsake.Repository.Snapshots;

namespace Keepsake.Repository;

/// <summary>What a backup records and which parent it compares against.</summary>
public sealed class BackupOptions
{
    /// <summary>The snapshot's host name (default: this machine's).</summary>
    public string? Host { get; init; }

    /// <summary>Tags for the snapshot.</summary>
    public IReadOnlyList<string> Tags { get; init; } = [];

    /// <summary>The paths recorded in the snapshot (default: the source folder's absolute path).</summary>
    public IReadOnlyList<string>? Paths { get; init; }

    /// <summary>
    /// The parent snapshot. Null picks the latest snapshot with the same host and paths; files whose
    /// type, size, mtime and inode equal the parent's are not read again.
    /// </summary>
    public Snapshot? Parent { get; init; }

    /// <summary>Ignore any parent and read every file.</summary>
    public bool NoParent { get; init; }

    /// <summary>
    /// Where the folder appears inside the snapshot, as an absolute '/'-separated path (for example
    /// "/Backup/00008030-001A"). Default: its real absolute path, as restic stores it. Use this when
    /// the folder was staged somewhere temporary. Folders above it take the source folder's metadata.
    /// </summary>
    public string? PathInSnapshot { get; init; }

    /// <summary>The snapshot's time (default: now).</summary>
    public DateTimeOffset? Time { get; init; }
}
