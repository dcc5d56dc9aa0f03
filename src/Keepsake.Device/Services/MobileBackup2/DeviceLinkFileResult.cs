namespace Keepsake.Device.Services.MobileBackup2;

/// <summary>How one file of a transfer ended.</summary>
/// <param name="Code">Success, ErrorLocal or ErrorRemote.</param>
/// <param name="Bytes">Content bytes received.</param>
/// <param name="ErrorText">The peer's error text, for error codes.</param>
/// <param name="EndOfBatch">A bare <c>u32 0</c> arrived where a block was expected (libimobiledevice ends the upload then).</param>
public sealed record DeviceLinkFileResult(DeviceLinkFileCode Code, long Bytes, string? ErrorText, bool EndOfBatch);
