namespace Keepsake.Device.Simulator.Backup;

/// <summary>One phone file in a backup image: its id, names, staged blob (files only) and content digest.</summary>
internal sealed record BackupImageFile(string FileId, string Domain, string RelativePath, string? BlobPath, string ContentDigest);
