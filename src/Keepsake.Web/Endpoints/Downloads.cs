using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.StaticFiles;
using Microsoft.Net.Http.Headers;

namespace Keepsake.Web.Endpoints;

/// <summary>Writes a file to the response as a download (or inline), with its name and date.</summary>
internal static class Downloads
{
    private static readonly FileExtensionContentTypeProvider Types = CreateTypes();

    public static string ContentTypeOf(string name, string? fallback = null) =>
        Types.TryGetContentType(name, out var type) ? type : fallback ?? "application/octet-stream";

    public static async Task SendAsync(HttpContext context, Func<Stream> open, string name, long? length, DateTimeOffset? date, bool inline, string? contentType = null)
    {
        var response = context.Response;
        response.ContentType = contentType ?? ContentTypeOf(name);
        if (length is { } l)
        {
            response.ContentLength = l;
        }

        if (date is { } d)
        {
            response.Headers.LastModified = d.ToUniversalTime().ToString("R", CultureInfo.InvariantCulture);
        }

        var disposition = new ContentDispositionHeaderValue(inline ? "inline" : "attachment");
        disposition.SetHttpFileName(name);
        if (date is { } modified)
        {
            disposition.ModificationDate = modified;
        }

        response.Headers.ContentDisposition = disposition.ToString();
        if (HttpMethods.IsHead(context.Request.Method))
        {
            return;
        }

        await using var stream = open();
        await stream.CopyToAsync(response.Body, context.RequestAborted);
    }

    private static FileExtensionContentTypeProvider CreateTypes()
    {
        var provider = new FileExtensionContentTypeProvider();
        provider.Mappings[".heic"] = "image/heic";
        provider.Mappings[".mov"] = "video/quicktime";
        provider.Mappings[".amr"] = "audio/amr";
        provider.Mappings[".caf"] = "audio/x-caf";
        provider.Mappings[".vcf"] = "text/vcard";
        provider.Mappings[".ics"] = "text/calendar";
        provider.Mappings[".md"] = "text/markdown";
        return provider;
    }
}
