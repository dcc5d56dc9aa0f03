namespace Keepsake.Device.Services.MobileBackup2;

/// <summary>Progress of a mobilebackup2 operation.</summary>
/// <param name="BytesReceived">File bytes received from the device so far.</param>
/// <param name="FilesReceived">Files received so far.</param>
/// <param name="BytesSent">File bytes sent to the device (restore).</param>
/// <param name="Percent">The device's own overall progress value (0–100).</param>
public sealed record MobileBackup2Progress(long BytesReceived, int FilesReceived, long BytesSent, double Percent);
