using System.Net.Sockets;
using System.Text;

namespace Keepsake.Service.Runtime;

/// <summary>
/// sd_notify(3) for a <c>Type=notify</c> unit: one datagram to the UNIX socket named by <c>$NOTIFY_SOCKET</c>
/// (a leading <c>@</c> is an abstract socket). <c>READY=1</c> once the API listens, <c>STOPPING=1</c> when
/// stopping. Without a socket (not run by systemd) nothing is sent.
/// </summary>
public sealed class SystemdNotifier(string? socketPath)
{
    /// <summary>The notifier for this process (<c>$NOTIFY_SOCKET</c>).</summary>
    public static SystemdNotifier FromEnvironment() => new(Environment.GetEnvironmentVariable("NOTIFY_SOCKET"));

    public bool IsEnabled => !string.IsNullOrEmpty(socketPath) && !OperatingSystem.IsWindows();

    /// <summary>Sends <paramref name="state"/> (e.g. <c>READY=1\nSTATUS=…</c>); false when there is no socket or it failed.</summary>
    public bool Notify(string state)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (!IsEnabled)
        {
            return false;
        }

        var path = socketPath![0] == '@' ? "\0" + socketPath[1..] : socketPath;
        try
        {
            using var socket = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
            socket.Connect(new UnixDomainSocketEndPoint(path));
            socket.Send(Encoding.UTF8.GetBytes(state));
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
