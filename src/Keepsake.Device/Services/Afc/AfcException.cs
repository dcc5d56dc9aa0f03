namespace Keepsake.Device.Services.Afc;

/// <summary>An AFC operation failed: the device status and the path it concerned.</summary>
public sealed class AfcException : IOException
{
    public AfcException(AfcStatus status, string? path)
        : base($"AFC error {status} ({(ulong)status})" + (path is null ? "." : $" for '{path}'."))
    {
        Status = status;
        Path = path;
    }

    public AfcException(string message)
        : base(message) => Status = AfcStatus.UnknownError;

    public AfcStatus Status { get; }

    public string? Path { get; }
}
