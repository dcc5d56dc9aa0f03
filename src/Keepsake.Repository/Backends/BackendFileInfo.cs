namespace Keepsake.Repository.Backends;

/// <summary>A stored file: its name (the hex storage ID, or "config") and size in bytes.</summary>
public sealed record BackendFileInfo(FileType Type, string Name, long Size);
