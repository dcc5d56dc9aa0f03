namespace Keepsake.BackupFormat;

/// <summary>
/// A backup folder found by <see cref="BackupLocator.Find"/>. When its plists cannot be read,
/// <see cref="Error"/> says why and <see cref="Properties"/> is empty.
/// </summary>
public sealed record FoundBackup(string Path, BackupProperties Properties, long SizeBytes)
{
    /// <summary>Why the backup could not be read, or null.</summary>
    public string? Error { get; init; }
}
