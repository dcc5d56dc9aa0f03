namespace Keepsake.Device.Services.MobileBackup2;

/// <summary>One entry of a host directory listing (answer to DLContentsOfDirectory).</summary>
public sealed record DeviceLinkFileEntry(string Name, bool IsDirectory, long Size, DateTimeOffset Modified);
