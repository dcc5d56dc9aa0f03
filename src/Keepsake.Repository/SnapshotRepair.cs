using Keepsake.Repository.Snapshots;

namespace Keepsake.Repository;

/// <summary>
/// One snapshot that <c>repair snapshots</c> found damaged: what was changed (one line per file or
/// folder, "path: what"), the new snapshot written in its place (null in a dry run, or when its root
/// tree is unreadable and nothing could be kept), and whether the original was removed.
/// </summary>
public sealed record SnapshotRepair(Snapshot Original, IReadOnlyList<string> Changes, Snapshot? Repaired, bool OriginalRemoved)
{
    /// <summary>The root tree itself is damaged: the snapshot holds nothing that can be kept.</summary>
    public bool RootUnreadable { get; init; }
}
