using Keepsake.Repository.Snapshots;

namespace Keepsake.Repository;

/// <summary>What copy did: the new snapshots in the target, how many were already there, blobs sent.</summary>
public sealed record CopyResult(IReadOnlyList<Snapshot> Copied, int AlreadyPresent, long BlobsCopied, long BytesAdded);
