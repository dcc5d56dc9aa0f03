using Keepsake.Repository.Snapshots;

namespace Keepsake.Repository;

/// <summary>What forget kept and removed (or would remove, in a dry run).</summary>
public sealed record ForgetResult(IReadOnlyList<Snapshot> Kept, IReadOnlyList<Snapshot> Removed);
