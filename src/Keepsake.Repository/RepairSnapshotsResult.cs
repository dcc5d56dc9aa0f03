namespace Keepsake.Repository;

/// <summary>
/// What <c>repair snapshots</c> did: how many snapshots were intact, the damaged ones and their
/// repairs, and the snapshot files that could not be read at all (removed with <c>forget</c>).
/// </summary>
public sealed record RepairSnapshotsResult(
    int Intact,
    IReadOnlyList<SnapshotRepair> Repairs,
    IReadOnlyList<RepositoryCorruptedException> UnreadableSnapshots,
    bool UnreadableRemoved);
