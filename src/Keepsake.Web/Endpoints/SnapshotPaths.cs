using Keepsake.Web.Data;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Keepsake.Web.Endpoints;

/// <summary>
/// Checks on the domain and path a request names inside a snapshot. Files are looked up by their
/// Manifest row, never joined onto a disk path, but a name that could mean a different place anywhere
/// (a <c>..</c> segment, a backslash, an encoded slash or dot, a NUL) is refused outright.
/// </summary>
public static class SnapshotPaths
{
    /// <exception cref="WebException">400 for a name that could escape.</exception>
    public static void Check(HttpContext context, string? domain, string? path)
    {
        ArgumentNullException.ThrowIfNull(context);
        var raw = context.Features.Get<IHttpRequestFeature>()?.RawTarget ?? string.Empty;
        var question = raw.IndexOf('?', StringComparison.Ordinal);
        var rawPath = question < 0 ? raw : raw[..question];
        if (rawPath.Contains("%2f", StringComparison.OrdinalIgnoreCase) || rawPath.Contains("%5c", StringComparison.OrdinalIgnoreCase)
            || rawPath.Contains("%2e", StringComparison.OrdinalIgnoreCase) || rawPath.Contains("%00", StringComparison.Ordinal))
        {
            throw new WebException(400, "A path inside a snapshot cannot contain encoded slashes or dots.");
        }

        if (domain is not null && (domain.Length == 0 || domain.Length > 255 || !domain.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '.' or '_')))
        {
            throw new WebException(400, "That is not a backup domain name.");
        }

        if (path is not null && !IsSafeRelative(path))
        {
            throw new WebException(400, "A path inside a snapshot is relative and cannot leave it ('..', '\\', NUL are refused).");
        }
    }

    /// <summary>Whether <paramref name="path"/> is a plain relative path: no empty, '.' or '..' segment, no backslash or NUL, not rooted.</summary>
    public static bool IsSafeRelative(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (path.Length == 0)
        {
            return true;
        }

        if (path.Length > 4096 || path.StartsWith('/') || path.Contains('\\', StringComparison.Ordinal) || path.Contains('\0', StringComparison.Ordinal))
        {
            return false;
        }

        return path.TrimEnd('/').Split('/').All(s => s.Length > 0 && s != "." && s != "..");
    }
}
