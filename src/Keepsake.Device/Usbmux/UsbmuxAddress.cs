using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Keepsake.Device.Usbmux;

/// <summary>
/// Where usbmuxd listens: <c>/var/run/usbmuxd</c> on Unix, TCP 127.0.0.1:27015 on Windows, or the
/// <c>USBMUXD_SOCKET_ADDRESS</c> variable in any of its spellings: <c>UNIX:/path</c>, <c>/path</c>,
/// <c>host:port</c>, <c>[v6]:port</c>.
/// </summary>
public static class UsbmuxAddress
{
    public const string EnvironmentVariable = "USBMUXD_SOCKET_ADDRESS";
    public const string DefaultUnixPath = "/var/run/usbmuxd";
    public const int DefaultWindowsPort = 27015;

    /// <summary>The endpoint from the environment variable, else the platform default.</summary>
    public static EndPoint Resolve() =>
        Environment.GetEnvironmentVariable(EnvironmentVariable) is { Length: > 0 } value ? Parse(value) : Default();

    /// <summary>The platform default endpoint.</summary>
    public static EndPoint Default() =>
        OperatingSystem.IsWindows() ? new IPEndPoint(IPAddress.Loopback, DefaultWindowsPort) : new UnixDomainSocketEndPoint(DefaultUnixPath);

    /// <summary>Parses one spelling; <see cref="FormatException"/> when it is none of them.</summary>
    public static EndPoint Parse(string value) => Parse(value, allowAnyPort: false);

    /// <summary>Parses an address to listen on: like <see cref="Parse(string)"/>, but port 0 (any free port) is allowed.</summary>
    public static EndPoint ParseListen(string value) => Parse(value, allowAnyPort: true);

    private static EndPoint Parse(string value, bool allowAnyPort)
    {
        ArgumentException.ThrowIfNullOrEmpty(value);
        if (value.StartsWith("UNIX:", StringComparison.OrdinalIgnoreCase))
        {
            return new UnixDomainSocketEndPoint(value[5..]);
        }

        if (value.StartsWith('/'))
        {
            return new UnixDomainSocketEndPoint(value);
        }

        var colon = value.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(value.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port < (allowAnyPort ? 0 : 1) || port > 65535)
        {
            throw new FormatException($"{EnvironmentVariable} '{value}' is neither UNIX:/path, /path, host:port nor [ipv6]:port.");
        }

        var host = value[..colon];
        if (host.StartsWith('[') && host.EndsWith(']'))
        {
            host = host[1..^1];
        }

        return IPAddress.TryParse(host, out var ip) ? new IPEndPoint(ip, port) : new DnsEndPoint(host, port);
    }

    /// <summary>The <c>USBMUXD_SOCKET_ADDRESS</c> value libusbmuxd understands for an endpoint.</summary>
    public static string Format(EndPoint endPoint)
    {
        ArgumentNullException.ThrowIfNull(endPoint);
        return endPoint switch
        {
            UnixDomainSocketEndPoint unix => "UNIX:" + unix.ToString(),
            IPEndPoint { AddressFamily: AddressFamily.InterNetworkV6 } ip => $"[{ip.Address}]:{ip.Port}",
            IPEndPoint ip => $"{ip.Address}:{ip.Port}",
            DnsEndPoint dns => $"{dns.Host}:{dns.Port}",
            _ => throw new ArgumentException($"Unsupported endpoint {endPoint}.", nameof(endPoint)),
        };
    }

    /// <summary>Opens a connected socket to the endpoint.</summary>
    public static async Task<Socket> ConnectAsync(EndPoint endPoint, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(endPoint);
        var socket = endPoint is UnixDomainSocketEndPoint
            ? new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified)
            : new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(endPoint, cancellationToken).ConfigureAwait(false);
            return socket;
        }
        catch (SocketException ex)
        {
            socket.Dispose();
            throw new UsbmuxException($"Cannot reach usbmuxd at {Format(endPoint)}: {ex.Message}. Is usbmuxd running (or {EnvironmentVariable} set)?", ex);
        }
    }
}
