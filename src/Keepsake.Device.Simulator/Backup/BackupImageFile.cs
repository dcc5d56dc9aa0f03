namespace Keepsake.Device.Simulator.Backup;

/// <summary>
/// One phone file or folder in a backup image: its id, names, the blob to send (files only: the phone's file when
/// plain, a scratch file when encrypted), its content digest (SHA-1), its size-and-time stamp, and whether the host
/// lacks it.
/// </summary>
internal sealed record BackupImageFile(string FileId, string Domain, string RelativePath, string? BlobPath, string ContentDigest, string Stamp, bool Send)
{
    /// <summary>Whether <see cref="BackupImageFile.BlobPath"/> is a scratch file, deleted once sent.</summary>
    public bool IsScratch { get; init; }
}
