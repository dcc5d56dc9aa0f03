using System.Globalization;
using System.IO.Compression;
using System.Text;

namespace Keepsake.Export.Pdf;

/// <summary>
/// A small streaming PDF 1.4 writer for text documents: A4 pages, the standard Courier and
/// Courier-Bold fonts (monospaced, so line breaking needs no font metrics) with WinAnsiEncoding,
/// a running header, "Page N" footers, Flate-compressed content streams and a correct xref table.
/// Characters outside Windows-1252 print as '?': non-Latin text needs an embedded font, which this
/// writer does not do. Pages are written as they fill; only object offsets are kept in memory.
/// See docs/design/exporters.md, "PDF".
/// </summary>
public sealed class PdfTextDocument : IDisposable
{
    /// <summary>A4 width in points.</summary>
    public const double PageWidth = 595.28;

    /// <summary>A4 height in points.</summary>
    public const double PageHeight = 841.89;

    /// <summary>Body font size in points.</summary>
    public const double FontSize = 9;

    /// <summary>Courier advance width: 600/1000 em.</summary>
    public const double CharWidth = FontSize * 0.6;

    private const double Margin = 50;
    private const double Leading = 11.5;
    private const int CatalogId = 1;
    private const int PagesId = 2;
    private const int FontId = 3;
    private const int BoldFontId = 4;
    private const int FirstFreeId = 5;

    private static readonly char[] Cp1252High =
    [
        '\u20AC', '\0', '\u201A', '\u0192', '\u201E', '\u2026', '\u2020', '\u2021', '\u02C6', '\u2030', '\u0160', '\u2039', '\u0152', '\0', '\u017D', '\0',
        '\0', '\u2018', '\u2019', '\u201C', '\u201D', '\u2022', '\u2013', '\u2014', '\u02DC', '\u2122', '\u0161', '\u203A', '\u0153', '\0', '\u017E', '\u0178',
    ];

    private readonly Stream _output;
    private readonly string _header;
    private readonly List<long> _offsets = [0, 0, 0, 0, 0];
    private readonly List<int> _pageIds = [];
    private readonly StringBuilder _content = new();
    private long _position;
    private double _y;
    private bool _pageOpen;
    private bool _finished;

    /// <summary>Starts a document; <paramref name="header"/> is printed at the top of every page.</summary>
    public PdfTextDocument(Stream output, string header)
    {
        ArgumentNullException.ThrowIfNull(output);
        _output = output;
        _header = header ?? string.Empty;
        WriteRaw("%PDF-1.4\n%\u00E2\u00E3\u00CF\u00D3\n");
    }

    /// <summary>Characters that fit on one line at <paramref name="indent"/> characters of indentation.</summary>
    public static int CharsPerLine(int indent) => (int)((PageWidth - (2 * Margin)) / CharWidth) - indent;

    /// <summary>Pages written so far.</summary>
    public int Pages => _pageIds.Count;

    /// <summary>Writes a paragraph, wrapped at word boundaries (long words are cut), indented by <paramref name="indent"/> characters.</summary>
    public void Paragraph(string text, bool bold = false, int indent = 0)
    {
        ArgumentNullException.ThrowIfNull(text);
        var width = Math.Max(10, CharsPerLine(indent));
        foreach (var rawLine in text.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n'))
        {
            var line = rawLine.Replace('\t', ' ');
            if (line.Length == 0)
            {
                Line(string.Empty, bold, indent);
                continue;
            }

            while (line.Length > width)
            {
                var cut = line.LastIndexOf(' ', width);
                if (cut <= 0)
                {
                    cut = width;
                }

                Line(line[..cut], bold, indent);
                line = line[cut..].TrimStart(' ');
            }

            Line(line, bold, indent);
        }
    }

    /// <summary>Adds vertical space of one line (no-op at the top of a page).</summary>
    public void Gap()
    {
        if (_pageOpen && _y < PageHeight - Margin - (2 * Leading))
        {
            _y -= Leading / 2;
        }
    }

    /// <summary>Writes the remaining objects, the xref table and the trailer.</summary>
    public void Finish()
    {
        if (_finished)
        {
            return;
        }

        if (!_pageOpen && _pageIds.Count == 0)
        {
            OpenPage();
        }

        if (_pageOpen)
        {
            ClosePage();
        }

        WriteObject(FontId, "<< /Type /Font /Subtype /Type1 /BaseFont /Courier /Encoding /WinAnsiEncoding >>");
        WriteObject(BoldFontId, "<< /Type /Font /Subtype /Type1 /BaseFont /Courier-Bold /Encoding /WinAnsiEncoding >>");
        WriteObject(PagesId, $"<< /Type /Pages /Count {_pageIds.Count} /Kids [{string.Join(' ', _pageIds.Select(id => $"{id} 0 R"))}] >>");
        WriteObject(CatalogId, $"<< /Type /Catalog /Pages {PagesId} 0 R >>");
        var xref = _position;
        var builder = new StringBuilder();
        builder.Append(CultureInfo.InvariantCulture, $"xref\n0 {_offsets.Count}\n0000000000 65535 f \n");
        for (var i = 1; i < _offsets.Count; i++)
        {
            builder.Append(CultureInfo.InvariantCulture, $"{_offsets[i]:D10} 00000 n \n");
        }

        builder.Append(CultureInfo.InvariantCulture, $"trailer\n<< /Size {_offsets.Count} /Root {CatalogId} 0 R >>\nstartxref\n{xref}\n%%EOF\n");
        WriteRaw(builder.ToString());
        _output.Flush();
        _finished = true;
    }

    public void Dispose() => _output.Dispose();

    /// <summary>Encodes text as a PDF literal string in WinAnsiEncoding: <c>( ) \</c> escaped, unmappable characters as '?'.</summary>
    public static string Literal(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var builder = new StringBuilder(text.Length + 2).Append('(');
        foreach (var rune in text.EnumerateRunes())
        {
            var b = ToWinAnsi(rune);
            switch (b)
            {
                case (byte)'(': builder.Append("\\("); break;
                case (byte)')': builder.Append("\\)"); break;
                case (byte)'\\': builder.Append("\\\\"); break;
                default:
                    if (b < 0x20 || b > 0x7E)
                    {
                        builder.Append('\\').Append(Convert.ToString(b, 8).PadLeft(3, '0'));
                    }
                    else
                    {
                        builder.Append((char)b);
                    }

                    break;
            }
        }

        return builder.Append(')').ToString();
    }

    private static byte ToWinAnsi(Rune rune)
    {
        var v = rune.Value;
        if (v is >= 0x20 and <= 0x7E or >= 0xA0 and <= 0xFF)
        {
            return (byte)v;
        }

        var index = Array.IndexOf(Cp1252High, (char)Math.Min(v, 0xFFFF));
        return v <= 0xFFFF && index >= 0 && Cp1252High[index] != '\0' ? (byte)(0x80 + index) : (byte)'?';
    }

    private void Line(string text, bool bold, int indent)
    {
        if (!_pageOpen || _y < Margin + Leading)
        {
            if (_pageOpen)
            {
                ClosePage();
            }

            OpenPage();
        }

        var x = Margin + (indent * CharWidth);
        _content.Append(CultureInfo.InvariantCulture, $"BT /{(bold ? "F2" : "F1")} {FontSize} Tf {x:0.##} {_y:0.##} Td {Literal(text)} Tj ET\n");
        _y -= Leading;
    }

    private void OpenPage()
    {
        _pageOpen = true;
        _content.Clear();
        _y = PageHeight - Margin;
        var header = _header.Length > CharsPerLine(0) ? _header[..(CharsPerLine(0) - 1)] + "\u2026" : _header;
        _content.Append(CultureInfo.InvariantCulture, $"BT /F2 {FontSize} Tf {Margin} {_y:0.##} Td {Literal(header)} Tj ET\n");
        _content.Append(CultureInfo.InvariantCulture, $"{Margin} {_y - 4:0.##} m {PageWidth - Margin:0.##} {_y - 4:0.##} l S\n");
        _y -= 2 * Leading;
    }

    private void ClosePage()
    {
        var number = _pageIds.Count + 1;
        var footer = $"Page {number}";
        _content.Append(CultureInfo.InvariantCulture, $"BT /F1 {FontSize} Tf {(PageWidth / 2) - (footer.Length * CharWidth / 2):0.##} {Margin / 2:0.##} Td {Literal(footer)} Tj ET\n");
        var raw = Encoding.Latin1.GetBytes(_content.ToString());
        byte[] compressed;
        using (var buffer = new MemoryStream())
        {
            using (var z = new ZLibStream(buffer, CompressionLevel.Fastest, leaveOpen: true))
            {
                z.Write(raw);
            }

            compressed = buffer.ToArray();
        }

        var contentId = NewId();
        BeginObject(contentId);
        WriteRaw($"<< /Length {compressed.Length} /Filter /FlateDecode >>\nstream\n");
        _output.Write(compressed);
        _position += compressed.Length;
        WriteRaw("\nendstream\nendobj\n");
        var pageId = NewId();
        WriteObject(pageId, $"<< /Type /Page /Parent {PagesId} 0 R /MediaBox [0 0 {PageWidth:0.##} {PageHeight:0.##}] /Resources << /Font << /F1 {FontId} 0 R /F2 {BoldFontId} 0 R >> >> /Contents {contentId} 0 R >>");
        _pageIds.Add(pageId);
        _pageOpen = false;
    }

    private int NewId()
    {
        _offsets.Add(0);
        return _offsets.Count - 1;
    }

    private void WriteObject(int id, string body)
    {
        BeginObject(id);
        WriteRaw($"{body}\nendobj\n");
    }

    private void BeginObject(int id)
    {
        _offsets[id] = _position;
        WriteRaw($"{id} 0 obj\n");
    }

    private void WriteRaw(string text)
    {
        var bytes = Encoding.Latin1.GetBytes(text);
        _output.Write(bytes);
        _position += bytes.Length;
    }

    /// <summary>First object number free for content (objects 1–4 are the catalog, page tree and fonts).</summary>
    internal static int ReservedObjects => FirstFreeId;
}
