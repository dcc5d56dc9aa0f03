namespace Keepsake.Repository;

/// <summary>What prune did.</summary>
public sealed record PruneResult(int PacksKept, int PacksRepacked, int PacksRemoved, int BlobsRemoved, long BytesFreed, int IndexFilesWritten);
