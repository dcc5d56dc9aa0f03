namespace Keepsake.Engine.History;

/// <summary>How a file of the phone differs between two backups.</summary>
public enum BackupChangeKind
{
    /// <summary>In the newer backup only.</summary>
    Added,

    /// <summary>In the older backup only.</summary>
    Removed,

    /// <summary>In both, with other content (or another size).</summary>
    Changed,
}
