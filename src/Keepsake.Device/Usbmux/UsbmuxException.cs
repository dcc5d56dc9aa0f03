namespace Keepsake.Device.Usbmux;

/// <summary>usbmuxd answered with an error, sent a malformed packet, or could not be reached.</summary>
public sealed class UsbmuxException : IOException
{
    public UsbmuxException(string message)
        : base(message)
    {
    }

    public UsbmuxException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public UsbmuxException(string message, UsbmuxResult result)
        : base(message) => Result = result;

    /// <summary>The usbmuxd result number, when the daemon sent one.</summary>
    public UsbmuxResult? Result { get; }
}
