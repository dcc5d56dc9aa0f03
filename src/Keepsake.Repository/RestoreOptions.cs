namespace Keepsake.Repository;

/// <summary>What to restore.</summary>
public sealed class RestoreOptions
{
    /// <summary>
    /// A folder inside the snapshot (e.g. the backed-up path "/home/u/x") whose contents are restored
    /// directly into the target. Null restores the whole tree under its full path, as restic does.
    /// </summary>
    public string? SubPath { get; init; }

    /// <summary>Restores only entries whose snapshot path this accepts (directories are created as needed).</summary>
    public Func<string, bool>? Include { get; init; }

    /// <summary>
    /// Leaves a file that is already at its place with the snapshot's size and modification time (counting it as
    /// restored): files appear under their names only when complete, so this resumes an interrupted restore.
    /// </summary>
    public bool SkipExisting { get; init; }

    /// <summary>Told after each file (from several workers at once): files and bytes restored, of <see cref="TotalBytes"/> when given.</summary>
    public IProgress<WorkProgress>? Progress { get; init; }

    /// <summary>The bytes the restore will write, when the caller knows them (for the time left).</summary>
    public long? TotalBytes { get; init; }
}
