using System.Globalization;
using System.Net;
using System.Text.Json;

namespace Keepsake.Service.Runtime;

/// <summary>
/// <c>DATA/service/runtime.json</c>: how clients (the CLI, <c>keepsake ui</c>, scripts) find the running service.
/// <code>{"address":"http://127.0.0.1:7466/","pid":1234,"tokenFile":".../service/token","started":"2026-01-01T00:00:00Z"}</code>
/// Written owner-only once the API listens, removed when the service stops. The token is not in it.
/// </summary>
public sealed record RuntimeFile(Uri Address, int ProcessId, string TokenFile, DateTimeOffset Started)
{
    /// <summary>Writes the file atomically (a temporary file renamed over it), 0600.</summary>
    public void Write(string path)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            w.WriteString("address", Address.ToString());
            w.WriteNumber("pid", ProcessId);
            w.WriteString("tokenFile", TokenFile);
            w.WriteString("started", Started.ToUniversalTime().ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture));
            w.WriteEndObject();
        }

        OwnerOnlyFile.WriteAllBytes(path, buffer.ToArray());
    }

    /// <summary>The file at <paramref name="path"/>, or null when there is none or it cannot be read (a service that is not running).</summary>
    public static RuntimeFile? TryRead(string path)
    {
        try
        {
            using var document = JsonDocument.Parse(File.ReadAllBytes(path));
            var root = document.RootElement;
            return new RuntimeFile(
                new Uri(root.GetProperty("address").GetString()!),
                root.GetProperty("pid").GetInt32(),
                root.GetProperty("tokenFile").GetString()!,
                DateTimeOffset.Parse(root.GetProperty("started").GetString()!, CultureInfo.InvariantCulture));
        }
        catch (Exception e) when (e is IOException or JsonException or KeyNotFoundException or InvalidOperationException or FormatException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>The address clients use for an endpoint the API listens on.</summary>
    public static Uri AddressOf(IPEndPoint endPoint)
    {
        ArgumentNullException.ThrowIfNull(endPoint);
        return new Uri($"http://{endPoint}/");
    }
}
