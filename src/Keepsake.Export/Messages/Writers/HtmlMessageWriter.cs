using System.Net;
using System.Text;

namespace Keepsake.Export.Messages.Writers;

/// <summary>
/// A self-contained HTML page per conversation: inline CSS, no script, every text HTML-escaped,
/// attachments linked relatively (images, video and audio shown inline), the time zone stated.
/// </summary>
internal sealed class HtmlMessageWriter(TextWriter output, TimeZoneInfo zone) : MessageWriter(output, zone)
{
    private const string Css = """
        body{font-family:-apple-system,Segoe UI,Helvetica,Arial,sans-serif;background:#f5f5f7;margin:0;padding:1em;color:#111}
        header{max-width:50em;margin:0 auto 1em}h1{font-size:1.4em;margin:.2em 0}.meta{color:#555;font-size:.9em}
        main{max-width:50em;margin:0 auto}.msg{margin:.6em 0;display:flex;flex-direction:column}
        .msg.me{align-items:flex-end}.bubble{max-width:75%;padding:.5em .8em;border-radius:1em;background:#e5e5ea;white-space:normal;overflow-wrap:anywhere}
        .me .bubble{background:#0b84ff;color:#fff}.me .bubble a{color:#fff}.sms.me .bubble{background:#34c759}
        .who{font-size:.8em;color:#555;margin:0 .6em .1em}.details{font-size:.8em;color:#555;margin:.1em .6em}
        .system{text-align:center;color:#666;font-size:.85em;margin:.8em 0}.mention{font-weight:600}
        .att img,.att video{max-width:20em;max-height:20em;border-radius:.6em;display:block;margin:.3em 0}
        .missing{color:#b00}.reply{border-left:3px solid #999;padding-left:.5em;color:#555;font-size:.85em;margin:.2em .6em}
        .edited{font-style:italic;color:#777}.note{font-size:.85em;color:#666}.me .note{color:#eee}
        """;

    public override void Begin(Conversation conversation, string sourceDescription)
    {
        Output.Write("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">");
        Output.Write("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">");
        Output.Write($"<title>{E(conversation.Title)}</title><style>{Css}</style></head><body>\n<header><h1>{E(conversation.Title)}</h1>");
        if (conversation.Participants.Count > 0)
        {
            Output.Write($"<div class=\"meta\">Participants: {E(string.Join(", ", conversation.Participants.Select(p => p.DisplayName)))}</div>");
        }

        if (conversation.Service is not null)
        {
            Output.Write($"<div class=\"meta\">Service: {E(conversation.Service)}</div>");
        }

        Output.Write($"<div class=\"meta\">All times: {E(ExportFiles.DescribeZone(Zone))}</div>");
        Output.Write($"<div class=\"meta\">Source: {E(sourceDescription)}</div></header>\n<main>\n");
    }

    public override void Resume(Conversation conversation)
    {
        // Nothing to restore: every message is written on its own.
    }

    public override void Write(Message message)
    {
        if (message.SystemEvent is not null)
        {
            Output.Write($"<div class=\"system\" id=\"m-{message.RowId}\">{E(message.SystemEvent)} \u00B7 {E(Time(message.Date))}</div>\n");
            return;
        }

        var classes = "msg" + (message.IsFromMe ? " me" : string.Empty) + (message.Service == "SMS" ? " sms" : string.Empty);
        Output.Write($"<div class=\"{classes}\" id=\"m-{message.RowId}\"><div class=\"who\">{E(SenderLabel(message.Sender))} \u00B7 {E(Time(message.Date))}");
        if (message.Service is not null)
        {
            Output.Write($" \u00B7 {E(message.Service)}");
        }

        Output.Write("</div>");
        if (message.ReplyTo is { } reply)
        {
            Output.Write($"<div class=\"reply\">In reply to: {E(reply.Snippet ?? reply.Guid)}</div>");
        }

        Output.Write("<div class=\"bubble\">");
        if (message.Subject is { Length: > 0 } subject)
        {
            Output.Write($"<b>{E(subject)}</b><br>");
        }

        if (message.OrphanTapback is { } orphan)
        {
            Output.Write($"<i>{E(orphan.Describe())} a message that is not in this database</i>");
        }

        WriteText(message);
        if (message.IsUnsent)
        {
            Output.Write("<span class=\"edited\">(unsent)</span>");
        }

        foreach (var attachment in message.Attachments)
        {
            WriteAttachment(attachment);
        }

        Output.Write("</div>");
        var details = new List<string>();
        foreach (var edit in message.Edits)
        {
            foreach (var version in edit.Versions.Take(edit.Versions.Count - 1))
            {
                details.Add($"<span class=\"edited\">Earlier version ({E(Time(version.Date))}): {E(version.Text)}</span>");
            }
        }

        if (message.DateEdited is not null && message.Edits.Count == 0)
        {
            details.Add($"<span class=\"edited\">Edited {E(Time(message.DateEdited))}</span>");
        }

        foreach (var tapback in message.Tapbacks)
        {
            details.Add($"{E(tapback.Describe())} by {E(SenderLabel(tapback.Sender))}");
        }

        if (message.ReplyCount > 0)
        {
            details.Add($"{message.ReplyCount} repl{(message.ReplyCount == 1 ? "y" : "ies")}");
        }

        if (message.Effect is not null)
        {
            details.Add($"Sent with effect {E(message.Effect)}");
        }

        if (message.IsRecentlyDeleted)
        {
            details.Add("In Recently Deleted");
        }

        if (message.BodyDiagnostic is not null)
        {
            details.Add($"Note: {E(message.BodyDiagnostic)}");
        }

        if (details.Count > 0)
        {
            Output.Write($"<div class=\"details\">{string.Join(" \u00B7 ", details)}</div>");
        }

        Output.Write("</div>\n");
    }

    public override void End()
    {
        Output.Write("</main>\n</body></html>\n");
        Output.Flush();
    }

    /// <summary>HTML-escapes text (also quotes, so it is safe in attributes).</summary>
    public static string E(string? text) => WebUtility.HtmlEncode(text ?? string.Empty);

    /// <summary>A relative URL for an exported path: each segment percent-encoded.</summary>
    public static string RelativeUrl(string exportedPath) =>
        string.Join('/', exportedPath.Split('/').Select(Uri.EscapeDataString));

    private void WriteText(Message message)
    {
        if (message.Body is not { Runs.Count: > 0 } body)
        {
            Output.Write(Lines(message.Text));
            return;
        }

        foreach (var run in body.Runs)
        {
            var text = run.Text.Replace("\uFFFC", string.Empty, StringComparison.Ordinal).Replace("\uFFFD", string.Empty, StringComparison.Ordinal);
            if (text.Length == 0)
            {
                continue;
            }

            var html = new StringBuilder(Lines(text));
            if (run.IsBold)
            {
                html.Insert(0, "<b>").Append("</b>");
            }

            if (run.IsItalic)
            {
                html.Insert(0, "<i>").Append("</i>");
            }

            if (run.IsUnderline)
            {
                html.Insert(0, "<u>").Append("</u>");
            }

            if (run.IsStrikethrough)
            {
                html.Insert(0, "<s>").Append("</s>");
            }

            if (run.Mention is { } mention)
            {
                html.Insert(0, $"<span class=\"mention\" title=\"{E(mention)}\">").Append("</span>");
            }

            if (run.Link is { } link && Uri.TryCreate(link, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https" or "mailto" or "tel")
            {
                html.Insert(0, $"<a href=\"{E(uri.AbsoluteUri)}\" rel=\"noreferrer\">").Append("</a>");
            }

            Output.Write(html.ToString());
        }
    }

    private void WriteAttachment(MessageAttachment attachment)
    {
        if (attachment.ExportedPath is null)
        {
            Output.Write($"<div class=\"att missing\">Missing attachment: {E(attachment.DisplayName)} ({E(attachment.MissingReason)})</div>");
            return;
        }

        var url = E(RelativeUrl(attachment.ExportedPath));
        var mime = attachment.MimeType ?? string.Empty;
        Output.Write("<div class=\"att\">");
        if (Images.HeicPreview.IsHeic(attachment))
        {
            if (attachment.PreviewPath is { } preview)
            {
                Output.Write($"<a href=\"{url}\"><img src=\"{E(RelativeUrl(preview))}\" alt=\"{E(attachment.DisplayName)}\" loading=\"lazy\"></a>");
                Output.Write($"<a href=\"{url}\">{E(attachment.DisplayName)}</a> <span class=\"note\">(original HEIC; shown as a JPEG copy)</span></div>");
            }
            else
            {
                Output.Write($"<a href=\"{url}\">{E(attachment.DisplayName)}</a> <span class=\"note\">(HEIC image not shown: {E(attachment.PreviewNote ?? "no display copy")})</span></div>");
            }

            return;
        }

        if (mime.StartsWith("image/", StringComparison.OrdinalIgnoreCase))
        {
            Output.Write($"<a href=\"{url}\"><img src=\"{url}\" alt=\"{E(attachment.DisplayName)}\" loading=\"lazy\"></a>");
        }
        else if (mime.StartsWith("video/", StringComparison.OrdinalIgnoreCase))
        {
            Output.Write($"<video controls preload=\"none\" src=\"{url}\"></video>");
        }
        else if (mime.StartsWith("audio/", StringComparison.OrdinalIgnoreCase))
        {
            Output.Write($"<audio controls preload=\"none\" src=\"{url}\"></audio>");
        }

        Output.Write($"<a href=\"{url}\">{E(attachment.DisplayName)}</a></div>");
    }

    private static string Lines(string text) => E(text).Replace("\r\n", "<br>", StringComparison.Ordinal).Replace("\n", "<br>", StringComparison.Ordinal);
}
