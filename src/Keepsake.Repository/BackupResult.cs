using Keepsake.Repository.Snapshots;

namespace Keepsake.Repository;

/// <summary>What a backup did.</summary>
public sealed class BackupResult
{
    public required Snapshot Snapshot { get; init; }

    public long FilesNew { get; init; }

    public long FilesChanged { get; init; }

    public long FilesUnmodified { get; init; }

    public long DirectoriesProcessed { get; init; }

    /// <summary>Bytes read from files (unchanged files are not read).</summary>
    public long BytesRead { get; init; }

    /// <summary>Total size of the files in the snapshot.</summary>
    public long TotalBytes { get; init; }

    public long BlobsAdded { get; init; }

    /// <summary>Sealed bytes added to the repository (after compression).</summary>
    public long BytesAdded { get; init; }

    /// <summary>Entries that could not be read (path: reason); they are missing from the snapshot.</summary>
    public IReadOnlyList<string> Errors { get; init; } = [];
}
