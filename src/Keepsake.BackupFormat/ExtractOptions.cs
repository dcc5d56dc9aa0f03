namespace Keepsake.BackupFormat;

/// <summary>What <see cref="BackupExtractor.Extract"/> copies out of a backup.</summary>
public sealed record ExtractOptions
{
    /// <summary>Only this domain (exact), or every domain when null.</summary>
    public string? Domain { get; init; }

    /// <summary>Only entries whose relative path starts with this (ordinal), or all when null.</summary>
    public string? PathPrefix { get; init; }

    /// <summary>Set files' and directories' modification times from the Manifest (default true).</summary>
    public bool RestoreModificationTimes { get; init; } = true;
}
