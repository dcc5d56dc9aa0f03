namespace Keepsake.Repository;

/// <summary>
/// One difference between two snapshots, as <c>restic diff</c> prints it: the path (folders end
/// with '/') and the modifier: "+" added, "-" removed, "M" content changed, "T" type changed
/// ("TM" both). <paramref name="Size"/> is the file's size in the snapshot it is in after the change (the
/// first one for a removal); 0 for folders and other entries.
/// </summary>
public sealed record SnapshotChange(string Path, string Modifier, long Size = 0)
{
    /// <summary>The line restic prints: modifier padded to 5 columns, then the path.</summary>
    public override string ToString() => $"{Modifier,-5}{Path}";
}
