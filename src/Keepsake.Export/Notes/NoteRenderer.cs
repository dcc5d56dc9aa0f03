using System.Net;
using System.Text;

namespace Keepsake.Export.Notes;

/// <summary>Renders a <see cref="NoteDocument"/> as plain text, Markdown or an HTML fragment, line by line with paragraph styles.</summary>
public static class NoteRenderer
{
    /// <summary>Renders <paramref name="document"/> in <paramref name="format"/> (HTML: the body fragment only).</summary>
    public static string Render(NoteDocument document, NoteFormat format)
    {
        ArgumentNullException.ThrowIfNull(document);
        var output = new StringBuilder();
        var line = new StringBuilder();
        NoteRun? lineStyle = null;
        var numbered = 0;
        var runs = document.Runs.Count > 0 ? document.Runs : [new NoteRun { Start = 0, Length = document.Text.Length }];
        var covered = runs.Count > 0 ? runs[^1].Start + runs[^1].Length : 0;
        if (covered < document.Text.Length)
        {
            runs = [.. runs, new NoteRun { Start = covered, Length = document.Text.Length - covered }];
        }

        foreach (var run in runs)
        {
            var text = document.Text.Substring(run.Start, run.Length);
            var pieces = text.Split('\n');
            for (var i = 0; i < pieces.Length; i++)
            {
                if (i > 0)
                {
                    FlushLine(output, line, lineStyle, format, ref numbered);
                    lineStyle = null;
                }

                if (pieces[i].Length == 0)
                {
                    continue;
                }

                lineStyle ??= run;
                line.Append(Inline(pieces[i], run, format));
            }
        }

        if (line.Length > 0)
        {
            FlushLine(output, line, lineStyle, format, ref numbered);
        }

        return output.ToString();
    }

    private static string Inline(string text, NoteRun run, NoteFormat format)
    {
        if (text.Contains('\uFFFC', StringComparison.Ordinal))
        {
            var label = $"[attachment: {run.AttachmentType ?? "unknown"}{(run.AttachmentIdentifier is null ? string.Empty : " " + run.AttachmentIdentifier)}]";
            text = text.Replace("\uFFFC", label, StringComparison.Ordinal);
        }

        if (format == NoteFormat.Txt)
        {
            return run.Link is null || text.Contains(run.Link, StringComparison.Ordinal) ? text : $"{text} <{run.Link}>";
        }

        if (format == NoteFormat.Html)
        {
            var html = WebUtility.HtmlEncode(text);
            if ((run.FontWeight & 1) != 0)
            {
                html = $"<b>{html}</b>";
            }

            if ((run.FontWeight & 2) != 0)
            {
                html = $"<i>{html}</i>";
            }

            if (run.IsUnderlined)
            {
                html = $"<u>{html}</u>";
            }

            if (run.IsStrikethrough)
            {
                html = $"<s>{html}</s>";
            }

            if (run.Link is not null && Uri.TryCreate(run.Link, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https" or "mailto" or "tel")
            {
                html = $"<a href=\"{WebUtility.HtmlEncode(uri.AbsoluteUri)}\">{html}</a>";
            }

            return html;
        }

        if (string.IsNullOrWhiteSpace(text))
        {
            return text;
        }

        var md = EscapeMarkdown(text.Trim());
        if ((run.FontWeight & 1) != 0)
        {
            md = $"**{md}**";
        }

        if ((run.FontWeight & 2) != 0)
        {
            md = $"_{md}_";
        }

        if (run.IsStrikethrough)
        {
            md = $"~~{md}~~";
        }

        if (run.Link is not null)
        {
            md = $"[{md}](<{run.Link.Replace(">", "%3E", StringComparison.Ordinal)}>)";
        }

        var lead = text[..(text.Length - text.TrimStart().Length)];
        var trail = text[text.TrimEnd().Length..];
        return lead + md + trail;
    }

    private static string EscapeMarkdown(string text)
    {
        var builder = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            if (c is '\\' or '*' or '_' or '`' or '[' or ']' or '<' or '>' or '#' or '~' or '|')
            {
                builder.Append('\\');
            }

            builder.Append(c);
        }

        return builder.ToString();
    }

    private static void FlushLine(StringBuilder output, StringBuilder line, NoteRun? style, NoteFormat format, ref int numbered)
    {
        var content = line.ToString();
        line.Clear();
        var paragraph = style?.ParagraphStyle;
        numbered = paragraph == 102 ? numbered + 1 : 0;
        switch (format)
        {
            case NoteFormat.Txt:
                output.Append(paragraph switch
                {
                    100 or 101 => "\u2022 ",
                    102 => $"{numbered}. ",
                    103 => style!.IsChecked ? "[x] " : "[ ] ",
                    _ => string.Empty,
                }).Append(content).Append('\n');
                break;
            case NoteFormat.Markdown:
                output.Append(paragraph switch
                {
                    0 => "# ",
                    1 => "## ",
                    2 => "### ",
                    4 => "    ",
                    100 or 101 => "- ",
                    102 => $"{numbered}. ",
                    103 => style!.IsChecked ? "- [x] " : "- [ ] ",
                    _ => string.Empty,
                }).Append(content).Append(paragraph is null or 4 ? "\n\n" : "\n");
                break;
            default:
                var tag = paragraph switch { 0 => "h1", 1 => "h2", 2 => "h3", 4 => "pre", _ => "p" };
                var prefix = paragraph switch
                {
                    100 or 101 => "\u2022 ",
                    102 => $"{numbered}. ",
                    103 => style!.IsChecked ? "\u2611 " : "\u2610 ",
                    _ => string.Empty,
                };
                output.Append('<').Append(tag).Append('>').Append(prefix).Append(content.Length == 0 ? "&nbsp;" : content).Append("</").Append(tag).Append(">\n");
                break;
        }
    }
}
