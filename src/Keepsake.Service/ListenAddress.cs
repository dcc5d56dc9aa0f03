using System.Globalization;
using System.Net;

namespace Keepsake.Service;

/// <summary>Parses <c>--listen</c>: <c>HOST:PORT</c>, <c>HOST</c> or <c>:PORT</c>, where HOST is a loopback address or <c>localhost</c>.</summary>
public static class ListenAddress
{
    /// <summary>
    /// The endpoint for <paramref name="text"/>; <see cref="ServeConfigurationException"/> naming the value when it
    /// is not an address, has a bad port, or is not loopback (the API is never reachable from another machine).
    /// </summary>
    public static IPEndPoint Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var value = text.Trim();
        string host;
        var port = ServeOptions.DefaultPort;
        if (value.StartsWith('['))
        {
            var close = value.IndexOf(']', StringComparison.Ordinal);
            if (close < 0)
            {
                throw Bad(text, "an IPv6 address must be closed with ']'");
            }

            host = value[1..close];
            var rest = value[(close + 1)..];
            if (rest.Length > 0)
            {
                port = rest.StartsWith(':') ? ParsePort(text, rest[1..]) : throw Bad(text, "expected ':PORT' after the address");
            }
        }
        else
        {
            var colon = value.LastIndexOf(':');
            if (colon >= 0 && value.IndexOf(':', StringComparison.Ordinal) != colon)
            {
                throw Bad(text, "write an IPv6 address in brackets, e.g. [::1]:7466");
            }

            host = colon >= 0 ? value[..colon] : value;
            if (colon >= 0)
            {
                port = ParsePort(text, value[(colon + 1)..]);
            }
        }

        if (host.Length == 0 || string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase))
        {
            return new IPEndPoint(IPAddress.Loopback, port);
        }

        if (!IPAddress.TryParse(host, out var address))
        {
            throw Bad(text, $"'{host}' is not an IP address (use 127.0.0.1, [::1] or localhost)");
        }

        if (!IPAddress.IsLoopback(address))
        {
            throw Bad(text, $"{address} is not a loopback address: the service listens only on this computer (127.0.0.1 or [::1]), because its API can start backups and read the vault");
        }

        return new IPEndPoint(address, port);
    }

    private static int ParsePort(string text, string port) =>
        int.TryParse(port, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value is >= 0 and <= 65535
            ? value
            : throw Bad(text, $"'{port}' is not a port number (0 to 65535)");

    private static ServeConfigurationException Bad(string text, string why) => new("--listen", $"--listen '{text}': {why}.");
}
