namespace Keepsake.Engine.DeviceBackup;

/// <summary>
/// The disk the vault grows on filled up during a device backup. Nothing was recorded; what was
/// stored stays for the next run. Carries the operating system's disk-full code (ENOSPC) as its
/// HResult, so it is reported as a full disk.
/// </summary>
public sealed class VaultDiskFullException : IOException
{
    public VaultDiskFullException(string message, IOException inner)
        : base(message, inner)
    {
        ArgumentNullException.ThrowIfNull(inner);
        HResult = inner.HResult;
    }
}
