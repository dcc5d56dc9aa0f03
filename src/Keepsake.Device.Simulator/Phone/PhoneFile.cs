namespace Keepsake.Device.Simulator.Phone;

/// <summary>One file or folder of the simulated phone, as a backup names it.</summary>
/// <param name="Domain">Backup domain (HomeDomain, CameraRollDomain, AppDomain-com.example...).</param>
/// <param name="RelativePath">'/'-separated path inside the domain.</param>
/// <param name="FullPath">Where it lives in the phone folder.</param>
/// <param name="IsDirectory">Folder rather than file.</param>
/// <param name="Length">Size in bytes (files).</param>
/// <param name="Modified">Last write time.</param>
public sealed record PhoneFile(string Domain, string RelativePath, string FullPath, bool IsDirectory, long Length, DateTimeOffset Modified);
