namespace Keepsake.Device.Transport;

/// <summary>
/// The connection to the device ended in the middle of a conversation: the cable was pulled, the phone
/// rebooted or locked up, Wi-Fi dropped, or usbmuxd went away. Says what was under way. Nothing the
/// host wrote before is lost; the operation can be run again once the phone is back.
/// </summary>
public sealed class DeviceDisconnectedException : IOException
{
    public DeviceDisconnectedException(string message)
        : base(message)
    {
    }

    public DeviceDisconnectedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>
    /// Whether <paramref name="exception"/> is a lost connection rather than bad data or a local failure: this type,
    /// an end of stream, or a socket reset, abort or shutdown (as .NET reports them through its streams).
    /// </summary>
    public static bool IsDisconnect(Exception exception) => exception switch
    {
        DeviceDisconnectedException or EndOfStreamException => true,
        System.Net.Sockets.SocketException socket => socket.SocketErrorCode is System.Net.Sockets.SocketError.ConnectionReset
            or System.Net.Sockets.SocketError.ConnectionAborted or System.Net.Sockets.SocketError.Shutdown
            or System.Net.Sockets.SocketError.NotConnected or System.Net.Sockets.SocketError.OperationAborted,
        IOException { InnerException: { } inner } => IsDisconnect(inner),
        _ => false,
    };
}
