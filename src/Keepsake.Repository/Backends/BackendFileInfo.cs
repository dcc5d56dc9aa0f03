namespace Keepsake.Repository.Backends;

/// <summary>
/// A stored file: its name (the hex storage ID, or "config"), size in bytes and, when the backend
/// knows it, when it was last written (prune's grace period uses it).
/// </summary>
public sealed record BackendFileInfo(FileType Type, string Name, long Size, DateTimeOffset? Modified = null);
