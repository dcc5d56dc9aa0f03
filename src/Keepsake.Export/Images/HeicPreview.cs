using ImageMagick;
using Keepsake.Export.Messages;
using Keepsake.Primitives;

namespace Keepsake.Export.Images;

/// <summary>
/// JPEG display copies of HEIC/HEIF attachments for the HTML exports: browsers other than Safari do
/// not show HEIC. Decoded with ImageMagick (Magick.NET, which bundles libheif and libde265), turned
/// upright, scaled to at most <see cref="MaxDimension"/> pixels a side and written beside the original,
/// which is kept and linked. A failure is reported on the attachment, never thrown: the export goes on.
/// See docs/design/exporters.md, "HEIC".
/// </summary>
internal static class HeicPreview
{
    /// <summary>Longest side of a display copy, in pixels.</summary>
    public const int MaxDimension = 2048;

    /// <summary>Images with more pixels than this are not decoded (an iPhone photo has 12 to 48 million).</summary>
    public const long MaxPixels = 100_000_000;

    /// <summary>JPEG quality of the display copy.</summary>
    public const int Quality = 85;

    /// <summary>Whether the attachment is a HEIC/HEIF image, by MIME type, UTI or file name.</summary>
    public static bool IsHeic(MessageAttachment attachment)
    {
        ArgumentNullException.ThrowIfNull(attachment);
        var mime = attachment.MimeType ?? string.Empty;
        var uti = attachment.Uti ?? string.Empty;
        var name = attachment.ExportedPath ?? attachment.TransferName ?? attachment.DevicePath ?? string.Empty;
        return mime.Contains("heic", StringComparison.OrdinalIgnoreCase) || mime.Contains("heif", StringComparison.OrdinalIgnoreCase)
            || uti is "public.heic" or "public.heif" or "public.heics"
            || name.EndsWith(".heic", StringComparison.OrdinalIgnoreCase) || name.EndsWith(".heif", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>
    /// For an exported HEIC attachment, makes (or reuses) <c>&lt;exported path&gt;.jpg</c> and sets
    /// <see cref="MessageAttachment.PreviewPath"/>, or sets <see cref="MessageAttachment.PreviewNote"/> saying why not.
    /// Other attachments are left alone.
    /// </summary>
    public static void Add(SafePath root, MessageAttachment attachment)
    {
        ArgumentNullException.ThrowIfNull(root);
        ArgumentNullException.ThrowIfNull(attachment);
        if (attachment.ExportedPath is not { } exported || !IsHeic(attachment))
        {
            return;
        }

        var preview = exported + ".jpg";
        var failure = TryWrite(root.ResolveNoFollow(exported), root.ResolveNoFollow(preview));
        if (failure is null)
        {
            attachment.PreviewPath = preview;
        }
        else
        {
            attachment.PreviewNote = failure;
        }
    }

    /// <summary>
    /// Writes a JPEG of <paramref name="originalPath"/> to <paramref name="previewPath"/> (through a
    /// <c>.partial</c> file), unless a copy at least as new as the original is there. Returns null on
    /// success, else why it could not.
    /// </summary>
    public static string? TryWrite(string originalPath, string previewPath)
    {
        if (File.Exists(previewPath) && File.GetLastWriteTimeUtc(previewPath) >= File.GetLastWriteTimeUtc(originalPath))
        {
            return null;
        }

        var partial = previewPath + ".partial";
        try
        {
            var info = new MagickImageInfo(originalPath);
            if ((long)info.Width * info.Height > MaxPixels)
            {
                return $"not converted for display: {info.Width}x{info.Height} pixels is more than {MaxPixels:N0}";
            }

            using var image = new MagickImage(originalPath);
            image.AutoOrient();
            if (image.Width > MaxDimension || image.Height > MaxDimension)
            {
                image.Resize(new MagickGeometry(MaxDimension, MaxDimension));
            }

            image.Quality = Quality;
            image.Write(partial, MagickFormat.Jpeg);
            ExportFiles.Commit(partial, previewPath);
            return null;
        }
        catch (Exception ex) when (ex is MagickException or IOException or UnauthorizedAccessException or DllNotFoundException
            or EntryPointNotFoundException or BadImageFormatException or TypeInitializationException or NotSupportedException)
        {
            ExportFiles.TryDelete(partial);
            return "could not be converted for display: " + Describe(ex);
        }
    }

    /// <summary>A short reason without ImageMagick's temporary file names and source locations.</summary>
    private static string Describe(Exception ex)
    {
        if (ex is DllNotFoundException or EntryPointNotFoundException or BadImageFormatException or TypeInitializationException)
        {
            return "the image library (ImageMagick) is not available on this platform";
        }

        var message = ex.Message;
        foreach (var cut in new[] { " `", " @ " })
        {
            var at = message.IndexOf(cut, StringComparison.Ordinal);
            if (at > 0)
            {
                message = message[..at];
            }
        }

        return ex is MagickException ? $"the image could not be decoded ({message})" : message;
    }
}
