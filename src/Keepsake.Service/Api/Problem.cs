using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Keepsake.Service.Api;

/// <summary>Writes an RFC 9457 problem document (<c>application/problem+json</c>): the one error shape of the API.</summary>
public static class Problem
{
    /// <summary>Writes <paramref name="status"/> with a title and a detail that says what and where (never a secret).</summary>
    public static async Task WriteAsync(HttpContext context, int status, string title, string detail, string? field = null)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/problem+json";
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("type", "about:blank");
            w.WriteString("title", title);
            w.WriteNumber("status", status);
            w.WriteString("detail", detail);
            if (field is not null)
            {
                w.WriteString("field", field);
            }

            w.WriteEndObject();
        }

        await context.Response.Body.WriteAsync(buffer.ToArray(), context.RequestAborted).ConfigureAwait(false);
    }
}
