namespace Keepsake.Device.Services.MobileBackup2;

/// <summary>The code byte that starts each block of the mobilebackup2 raw file-transfer framing.</summary>
public enum DeviceLinkFileCode : byte
{
    /// <summary>The file finished successfully (block length 1).</summary>
    Success = 0x00,

    /// <summary>The host could not read the file; UTF-8 error text follows.</summary>
    ErrorLocal = 0x06,

    /// <summary>The device could not read the file; UTF-8 error text follows.</summary>
    ErrorRemote = 0x0B,

    /// <summary>A chunk of file content follows.</summary>
    FileData = 0x0C,
}
