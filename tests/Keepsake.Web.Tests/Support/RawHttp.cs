using System.Net.Sockets;
using System.Text;

namespace Keepsake.Web.Tests.Support;

/// <summary>
/// HTTP/1.1 requests written byte for byte, so a test can send what a browser or HttpClient would
/// normalise away: <c>..</c> segments, encoded slashes, a foreign Host or Origin.
/// </summary>
internal static class RawHttp
{
    public sealed record Reply(int Status, string Headers, byte[] Body)
    {
        public string Text => Encoding.UTF8.GetString(Body);

        public string? Header(string name) => Headers.Split("\r\n")
            .FirstOrDefault(l => l.StartsWith(name + ":", StringComparison.OrdinalIgnoreCase))?[(name.Length + 1)..].Trim();

        public IEnumerable<string> AllHeaders(string name) => Headers.Split("\r\n")
            .Where(l => l.StartsWith(name + ":", StringComparison.OrdinalIgnoreCase)).Select(l => l[(name.Length + 1)..].Trim());
    }

    public static async Task<Reply> SendAsync(Uri server, string method, string target, string? cookie = null, string? host = null, string? origin = null, string? body = null, string? contentType = null)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(server.Host, server.Port);
        await using var stream = client.GetStream();
        var request = new StringBuilder();
        request.Append($"{method} {target} HTTP/1.1\r\n");
        request.Append($"Host: {host ?? server.Authority}\r\n");
        if (cookie is not null)
        {
            request.Append($"Cookie: {cookie}\r\n");
        }

        if (origin is not null)
        {
            request.Append($"Origin: {origin}\r\n");
        }

        var bytes = body is null ? [] : Encoding.UTF8.GetBytes(body);
        if (body is not null)
        {
            request.Append($"Content-Type: {contentType ?? "application/x-www-form-urlencoded"}\r\nContent-Length: {bytes.Length}\r\n");
        }

        request.Append("Connection: close\r\n\r\n");
        await stream.WriteAsync(Encoding.ASCII.GetBytes(request.ToString()));
        await stream.WriteAsync(bytes);
        using var response = new MemoryStream();
        await stream.CopyToAsync(response);
        var all = response.ToArray();
        var split = all.AsSpan().IndexOf("\r\n\r\n"u8);
        var head = Encoding.ASCII.GetString(all, 0, split);
        var payload = all[(split + 4)..];
        var status = int.Parse(head.Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
        if (head.Contains("Transfer-Encoding: chunked", StringComparison.OrdinalIgnoreCase))
        {
            payload = Dechunk(payload);
        }

        return new Reply(status, head, payload);
    }

    /// <summary>Signs in with a fresh login link; the session cookie as a Cookie header value.</summary>
    public static async Task<string> SignInAsync(LocalWebHost host)
    {
        var link = host.LoginLink();
        var reply = await SendAsync(host.Address, "GET", link.PathAndQuery);
        var cookie = reply.Header("Set-Cookie") ?? throw new InvalidOperationException($"login gave no cookie (HTTP {reply.Status})");
        return cookie.Split(';')[0];
    }

    private static byte[] Dechunk(byte[] data)
    {
        using var output = new MemoryStream();
        var at = 0;
        while (at < data.Length)
        {
            var lineEnd = data.AsSpan(at).IndexOf("\r\n"u8);
            var size = Convert.ToInt32(Encoding.ASCII.GetString(data, at, lineEnd).Split(';')[0], 16);
            at += lineEnd + 2;
            if (size == 0)
            {
                break;
            }

            output.Write(data, at, size);
            at += size + 2;
        }

        return output.ToArray();
    }
}
