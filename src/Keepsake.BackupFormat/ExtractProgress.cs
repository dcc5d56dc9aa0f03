namespace Keepsake.BackupFormat;

/// <summary>Extraction progress: files and bytes written so far, and the entry just handled.</summary>
public sealed record ExtractProgress(long Files, long Bytes, string? Current);
