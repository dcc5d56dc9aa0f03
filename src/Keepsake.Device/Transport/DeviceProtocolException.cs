namespace Keepsake.Device.Transport;

/// <summary>The device (or host) sent bytes that break the service framing: what and where.</summary>
public sealed class DeviceProtocolException : IOException
{
    public DeviceProtocolException(string message)
        : base(message)
    {
    }

    public DeviceProtocolException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
