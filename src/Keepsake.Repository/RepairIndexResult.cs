namespace Keepsake.Repository;

/// <summary>
/// What <c>repair index</c> did: the packs the new index covers, the index files written and removed,
/// and the packs whose header could not be read (left in place, in no index).
/// </summary>
public sealed record RepairIndexResult(
    int PacksIndexed,
    long BlobsIndexed,
    IReadOnlyList<ObjectId> IndexFilesWritten,
    IReadOnlyList<string> IndexFilesRemoved,
    IReadOnlyList<RepositoryCorruptedException> UnreadablePacks);
