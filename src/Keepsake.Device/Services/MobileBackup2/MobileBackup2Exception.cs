namespace Keepsake.Device.Services.MobileBackup2;

/// <summary>The device ended a mobilebackup2 operation with a non-zero ErrorCode.</summary>
public sealed class MobileBackup2Exception : IOException
{
    public MobileBackup2Exception(string operation, long errorCode, string? description)
        : base(Describe(operation, errorCode, description))
    {
        Operation = operation;
        ErrorCode = errorCode;
        Description = description;
    }

    public MobileBackup2Exception(string message)
        : base(message) => Operation = string.Empty;

    public string Operation { get; }

    /// <summary>The device's ErrorCode (105 = not enough free space on the host).</summary>
    public long ErrorCode { get; }

    public string? Description { get; }

    private static string Describe(string operation, long errorCode, string? description) => errorCode switch
    {
        105 => $"{operation} failed: not enough free space on this computer (device error 105). Free some space and try again.",
        _ => $"{operation} failed with device error {errorCode}" + (string.IsNullOrEmpty(description) ? "." : $": {description}"),
    };
}
