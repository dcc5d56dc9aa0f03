using System.Globalization;
using System.IO.Compression;
using Keepsake.Export;
using Keepsake.Export.Messages;
using Keepsake.Primitives;
using Keepsake.Web.Data;
using Keepsake.Web.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Keepsake.Web.Endpoints;

/// <summary>
/// The app's non-page endpoints: the login exchange, downloads (files, attachments, photos, exports),
/// thumbnails, the static assets, and the backup-password form. Every one reads through the same
/// in-process services as the pages; none calls the HTTP API.
/// </summary>
public static class WebEndpoints
{
    public static void Map(IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapGet("/login", Login);
        app.MapPost("/logout", (HttpContext context, SessionStore sessions) =>
        {
            sessions.End(context);
            return Results.Text("Signed out. Run 'keepsake ui' to sign in again.\n");
        }).DisableAntiforgery();
        app.MapGet("/assets/{name}", Asset);
        app.MapGet("/s/{id}/file/{domain}/{**path}", (HttpContext c, VaultCatalog v, string id, string domain, string path) => Guarded(c, () => FileAsync(c, v, id, domain, path)));
        app.MapGet("/s/{id}/attachment/{attachment:long}", (HttpContext c, VaultCatalog v, string id, long attachment, bool? download) => Guarded(c, () => AttachmentAsync(c, v, id, attachment, download ?? false)));
        app.MapGet("/s/{id}/photo/{asset:long}/thumb", (HttpContext c, VaultCatalog v, ThumbnailCache t, string id, long asset) => Guarded(c, () => ThumbnailAsync(c, v, t, id, asset)));
        app.MapGet("/s/{id}/photo/{asset:long}/original", (HttpContext c, VaultCatalog v, string id, long asset) => Guarded(c, () => OriginalAsync(c, v, id, asset)));
        app.MapGet("/s/{id}/messages/{chat:long}/download/{format}", (HttpContext c, VaultCatalog v, string id, long chat, string format) => Guarded(c, () => ConversationExportAsync(c, v, id, chat, format)));
        app.MapGet("/s/{id}/export/{kind}/{format}", (HttpContext c, VaultCatalog v, string id, string kind, string format) => Guarded(c, () => KindExportAsync(c, v, id, kind, format)));
        app.MapPost("/s/{id}/unlock", (HttpContext c, VaultCatalog v, string id) => Guarded(c, () => UnlockAsync(c, v, id))).DisableAntiforgery();
    }

    /// <summary>The session the request guard found (every non-public endpoint has one).</summary>
    public static WebSession SessionOf(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.Items[typeof(WebSession)] as WebSession ?? throw new WebException(401, "Not signed in.");
    }

    private static IResult Login(HttpContext context, LoginCodes codes, SessionStore sessions, string? code)
    {
        if (!codes.TryRedeem(code))
        {
            return Results.Text(
                "This login link is not valid: each link works once, for about a minute. Run 'keepsake ui' again for a new one.\n",
                "text/plain; charset=utf-8", statusCode: StatusCodes.Status401Unauthorized);
        }

        sessions.End(context, clearCookie: false);
        sessions.Start(context.Response);
        return Results.Redirect("/", permanent: false);
    }

    private static IResult Asset(string name)
    {
        var stream = typeof(WebEndpoints).Assembly.GetManifestResourceStream("assets/" + name);
        if (stream is null || name.Contains('/', StringComparison.Ordinal))
        {
            stream?.Dispose();
            return Results.NotFound();
        }

        return Results.Stream(stream, Downloads.ContentTypeOf(name));
    }

    private static async Task Guarded(HttpContext context, Func<Task> action)
    {
        try
        {
            await action();
        }
        catch (Exception e) when (WebErrors.Map(e) is { } mapped && !context.Response.HasStarted)
        {
            context.Response.StatusCode = mapped.Status;
            context.Response.ContentType = "text/plain; charset=utf-8";
            await context.Response.WriteAsync(mapped.Message + "\n");
        }
    }

    private static async Task<SnapshotView> OpenAsync(HttpContext context, VaultCatalog vault, string id)
    {
        var snapshot = await vault.FindAsync(id, context.RequestAborted);
        return vault.Open(snapshot, SessionOf(context));
    }

    private static async Task FileAsync(HttpContext context, VaultCatalog vault, string id, string domain, string path)
    {
        SnapshotPaths.Check(context, domain, path);
        var view = await OpenAsync(context, vault, id);
        var entry = view.Source.FindEntry(domain, path);
        if (entry is null || entry.Kind != BackupFormat.BackupEntryKind.File)
        {
            throw new WebException(404, "This snapshot has no such file.");
        }

        await Downloads.SendAsync(context, () => view.Source.OpenRead(entry), Path.GetFileName(path), null, entry.LastModified, inline: false);
    }

    private static async Task AttachmentAsync(HttpContext context, VaultCatalog vault, string id, long attachmentId, bool download)
    {
        var view = await OpenAsync(context, vault, id);
        var (entry, mime, name) = await MessagesModel.AttachmentAsync(view, attachmentId, context.RequestAborted);
        var type = mime ?? Downloads.ContentTypeOf(name);
        if (!download && (type is "image/heic" or "image/heif" || name.EndsWith(".heic", StringComparison.OrdinalIgnoreCase)))
        {
            // Browsers do not show HEIC: inline, it is shown through a JPEG made from it (in memory).
            var jpeg = await Task.Run(() => HeicJpeg(view, entry), context.RequestAborted);
            if (jpeg is not null)
            {
                await Downloads.SendAsync(context, () => new MemoryStream(jpeg), Path.ChangeExtension(name, ".jpg"), jpeg.Length, entry.LastModified, inline: true, "image/jpeg");
                return;
            }
        }

        await Downloads.SendAsync(context, () => view.Source.OpenRead(entry), name, null, entry.LastModified, inline: !download, type);
    }

    private static byte[]? HeicJpeg(SnapshotView view, BackupFormat.BackupEntry entry)
    {
        try
        {
            using var source = view.Source.OpenRead(entry);
            using var image = new ImageMagick.MagickImage(source);
            image.AutoOrient();
            if (image.Width > 2048 || image.Height > 2048)
            {
                image.Resize(2048, 2048);
            }

            image.Format = ImageMagick.MagickFormat.Jpeg;
            image.Quality = 85;
            return image.ToByteArray();
        }
        catch (ImageMagick.MagickException)
        {
            return null;
        }
    }

    private static async Task ThumbnailAsync(HttpContext context, VaultCatalog vault, ThumbnailCache thumbnails, string id, long assetId)
    {
        var view = await OpenAsync(context, vault, id);
        var (asset, entry) = await PhotosModel.FindAsync(view, assetId, context.RequestAborted);
        byte[]? thumbnail = asset.IsVideo ? null : await thumbnails.GetAsync(id + "/" + assetId.ToString(CultureInfo.InvariantCulture), entry.Size, () => view.Source.OpenRead(entry), context.RequestAborted);
        if (thumbnail is null)
        {
            context.Response.ContentType = "image/svg+xml";
            await context.Response.WriteAsync(Placeholder(asset.IsVideo ? "▶ video" : asset.FileName));
            return;
        }

        context.Response.Headers.CacheControl = "private, max-age=3600";
        context.Response.ContentType = "image/jpeg";
        context.Response.ContentLength = thumbnail.Length;
        await context.Response.Body.WriteAsync(thumbnail, context.RequestAborted);
    }

    private static string Placeholder(string label) =>
        $"""<svg xmlns="http://www.w3.org/2000/svg" width="256" height="256" viewBox="0 0 256 256"><rect width="256" height="256" fill="#444"/><text x="128" y="136" font-family="sans-serif" font-size="20" fill="#fff" text-anchor="middle">{System.Net.WebUtility.HtmlEncode(label)}</text></svg>""";

    private static async Task OriginalAsync(HttpContext context, VaultCatalog vault, string id, long assetId)
    {
        var view = await OpenAsync(context, vault, id);
        var (asset, entry) = await PhotosModel.FindAsync(view, assetId, context.RequestAborted);
        await Downloads.SendAsync(context, () => view.Source.OpenRead(entry), asset.FileName, entry.Size > 0 ? entry.Size : null, asset.Taken ?? entry.LastModified, inline: false);
    }

    private static async Task ConversationExportAsync(HttpContext context, VaultCatalog vault, string id, long chat, string format)
    {
        if (format is not ("html" or "pdf" or "txt" or "json" or "csv"))
        {
            throw new WebException(400, "A conversation downloads as html, pdf, txt, json or csv.");
        }

        var view = await OpenAsync(context, vault, id);
        var options = new ExportOptions { Format = format, Filter = new MessageFilter { Conversations = [chat.ToString(CultureInfo.InvariantCulture)] } };
        await ExportAndSendAsync(context, view, ExportKind.Messages, options, $"conversation-{chat}");
    }

    private static async Task KindExportAsync(HttpContext context, VaultCatalog vault, string id, string kindName, string format)
    {
        if (!Enum.TryParse<ExportKind>(kindName, ignoreCase: true, out var kind) || !char.IsAsciiLetterLower(kindName[0]))
        {
            throw new WebException(404, "There is no such kind of data.");
        }

        if (!ExportRunner.FormatsOf(kind).Contains(format, StringComparer.Ordinal))
        {
            throw new WebException(400, $"{kind} downloads as {string.Join(", ", ExportRunner.FormatsOf(kind))}.");
        }

        var view = await OpenAsync(context, vault, id);
        await ExportAndSendAsync(context, view, kind, new ExportOptions { Format = format }, kindName);
    }

    /// <summary>
    /// Runs the exporter into a private (0700) temporary folder, sends its one file as it is or every file
    /// as a zip, and deletes the folder.
    /// </summary>
    private static async Task ExportAndSendAsync(HttpContext context, SnapshotView view, ExportKind kind, ExportOptions options, string baseName)
    {
        var folder = RunTemp.CreateFolder("web-export");
        try
        {
            await ExportRunner.RunAsync(kind, view.Source, folder, options, cancellationToken: context.RequestAborted);
            var files = Directory.GetFiles(folder, "*", SearchOption.AllDirectories)
                .Where(f => !Path.GetFileName(f).StartsWith('.'))
                .ToList();
            if (files.Count == 1)
            {
                var only = files[0];
                await Downloads.SendAsync(context, () => File.OpenRead(only), Path.GetFileName(only), new FileInfo(only).Length, null, inline: false);
                return;
            }

            var zip = Path.Combine(RunTemp.CreateFolder("web-zip"), baseName + ".zip");
            try
            {
                await Task.Run(() =>
                {
                    using var archive = ZipFile.Open(zip, ZipArchiveMode.Create);
                    foreach (var file in files)
                    {
                        archive.CreateEntryFromFile(file, Path.GetRelativePath(folder, file).Replace('\\', '/'), CompressionLevel.Fastest);
                    }
                }, context.RequestAborted);
                await Downloads.SendAsync(context, () => File.OpenRead(zip), baseName + ".zip", new FileInfo(zip).Length, null, inline: false, "application/zip");
            }
            finally
            {
                Directory.Delete(Path.GetDirectoryName(zip)!, recursive: true);
            }
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static async Task UnlockAsync(HttpContext context, VaultCatalog vault, string id)
    {
        var snapshot = await vault.FindAsync(id, context.RequestAborted);
        var form = await context.Request.ReadFormAsync(context.RequestAborted);
        var back = form["return"].ToString();
        if (!back.StartsWith('/') || back.StartsWith("//", StringComparison.Ordinal) || back.Contains('\\', StringComparison.Ordinal))
        {
            back = "/s/" + id;
        }

        var typed = form["password"].ToString();
        if (typed.Length == 0 || !VaultCatalog.IsEncrypted(snapshot))
        {
            context.Response.Redirect(back, permanent: false);
            return;
        }

        var password = Secret.FromString(typed);
        if (!vault.CheckPassword(snapshot, password))
        {
            password.Dispose();
            context.Response.Redirect(back + (back.Contains('?', StringComparison.Ordinal) ? "&" : "?") + "unlock=wrong", permanent: false);
            return;
        }

        SessionOf(context).SetBackupPassword(VaultCatalog.UdidOf(snapshot), password);
        context.Response.StatusCode = StatusCodes.Status303SeeOther;
        context.Response.Headers.Location = back;
    }
}
