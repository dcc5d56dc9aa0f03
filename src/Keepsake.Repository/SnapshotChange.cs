namespace Keepsake.Repository;

/// <summary>
/// One difference between two snapshots, as <c>restic diff</c> prints it: the path (folders end
/// with '/') and the modifier: "+" added, "-" removed, "M" content changed, "T" type changed
/// ("TM" both).
/// </summary>
public sealed record SnapshotChange(string Path, string Modifier)
{
    /// <summary>The line restic prints: modifier padded to 5 columns, then the path.</summary>
    public override string ToString() => $"{Modifier,-5}{Path}";
}
