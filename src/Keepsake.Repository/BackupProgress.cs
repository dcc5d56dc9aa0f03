namespace Keepsake.Repository;

/// <summary>Progress of a running backup.</summary>
public sealed record BackupProgress(long FilesProcessed, long BytesProcessed, long BytesAdded, string? CurrentPath);
