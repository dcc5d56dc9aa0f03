namespace Keepsake.Export.Messages;

/// <summary>Maps attachment.filename device paths to backup paths (docs/design/exporters.md, "Attachments").</summary>
public static class AttachmentPaths
{
    private static readonly string[] HomePrefixes = ["~/", "/var/mobile/", "/private/var/mobile/"];

    /// <summary>
    /// The path relative to the user's home (MediaDomain's root in a backup, <c>~</c> on a Mac):
    /// <c>~/Library/SMS/Attachments/ab/12/G/IMG_1.HEIC</c> → <c>Library/SMS/Attachments/ab/12/G/IMG_1.HEIC</c>.
    /// Null for a path outside the home folder.
    /// </summary>
    public static string? ToHomeRelative(string? devicePath)
    {
        if (string.IsNullOrWhiteSpace(devicePath))
        {
            return null;
        }

        foreach (var prefix in HomePrefixes)
        {
            if (devicePath.StartsWith(prefix, StringComparison.Ordinal))
            {
                var rest = devicePath[prefix.Length..].TrimStart('/');
                return rest.Length == 0 ? null : rest;
            }
        }

        // macOS chat.db: /Users/<name>/Library/Messages/Attachments/...
        if (devicePath.StartsWith("/Users/", StringComparison.Ordinal))
        {
            var slash = devicePath.IndexOf('/', "/Users/".Length);
            if (slash > 0 && slash + 1 < devicePath.Length)
            {
                return devicePath[(slash + 1)..];
            }
        }

        return null;
    }
}
