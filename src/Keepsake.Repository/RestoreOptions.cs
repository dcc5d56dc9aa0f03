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
}
