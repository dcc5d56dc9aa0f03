namespace Keepsake.Repository;

/// <summary>Progress of a running backup.</summary>
/// <param name="FilesProcessed">Files done so far.</param>
/// <param name="BytesProcessed">Bytes read so far (files unchanged since the parent snapshot are not read).</param>
/// <param name="BytesAdded">Bytes added to the repository so far.</param>
/// <param name="CurrentPath">The file just done.</param>
/// <param name="SizeProcessed">The sizes of the files taken on so far, read or not: how much of the source is covered.</param>
public sealed record BackupProgress(long FilesProcessed, long BytesProcessed, long BytesAdded, string? CurrentPath, long SizeProcessed = 0);
