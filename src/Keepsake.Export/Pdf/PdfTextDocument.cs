using System.Globalization;
using System.IO.Compression;
using System.Text;

namespace Keepsake.Export.Pdf;

/// <summary>
/// A small streaming PDF 1.4 writer for text documents: A4 pages, a running header, "Page N" footers,
/// Flate-compressed content streams and a correct xref table. With <see cref="PdfFonts.Standard"/> it
/// uses Courier and Courier-Bold in WinAnsiEncoding (characters outside Windows-1252 print as '?');
/// with TrueType fonts (<see cref="PdfFonts.System"/>) every character a font covers is written as a
/// glyph of an embedded subset (Type0/CIDFontType2, Identity-H) with a ToUnicode map, so it prints and
/// stays extractable. Lines wrap by measured width. Pages are written as they fill; only object offsets
/// and the set of glyphs used stay in memory. See docs/design/exporters.md, "PDF".
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
    private readonly PdfFonts _fonts;
    private readonly List<EmbeddedFont> _regular = [];
    private readonly List<EmbeddedFont> _bold = [];
    private readonly SortedDictionary<string, int> _pageFonts = new(StringComparer.Ordinal);
    private readonly List<long> _offsets = [0, 0, 0, 0, 0];
    private readonly List<int> _pageIds = [];
    private readonly StringBuilder _content = new();
    private long _position;
    private double _y;
    private bool _pageOpen;
    private bool _finished;

    /// <summary>Starts a document in the standard Courier fonts; <paramref name="header"/> is printed at the top of every page.</summary>
    public PdfTextDocument(Stream output, string header)
        : this(output, header, PdfFonts.Standard)
    {
    }

    /// <summary>Starts a document written with <paramref name="fonts"/>.</summary>
    public PdfTextDocument(Stream output, string header, PdfFonts fonts)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(fonts);
        _output = output;
        _header = header ?? string.Empty;
        _fonts = fonts;
        for (var i = 0; i < fonts.Regular.Count; i++)
        {
            // The first regular and bold fonts take the reserved objects 3 and 4 (every page uses both:
            // footer and header); fallbacks get an object number when first used.
            _regular.Add(new EmbeddedFont(fonts.Regular[i], $"F{1 + (2 * i)}", i == 0 ? FontId : 0));
        }

        for (var i = 0; i < fonts.Bold.Count; i++)
        {
            _bold.Add(new EmbeddedFont(fonts.Bold[i], $"F{2 + (2 * i)}", i == 0 ? BoldFontId : 0));
        }

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
        var available = Math.Max(10, CharsPerLine(indent)) * CharWidth;
        foreach (var rawLine in text.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n'))
        {
            var line = rawLine.Replace('\t', ' ');
            if (line.Length == 0)
            {
                Line(string.Empty, bold, indent);
                continue;
            }

            while (true)
            {
                var fits = FittingLength(line, bold, available);
                if (fits >= line.Length)
                {
                    break;
                }

                var cut = line.LastIndexOf(' ', fits);
                if (cut <= 0)
                {
                    cut = fits;
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

        if (_fonts.IsEmbedded)
        {
            foreach (var font in _regular.Concat(_bold).Where(f => f.ObjectId != 0))
            {
                WriteEmbeddedFont(font);
            }
        }
        else
        {
            WriteObject(FontId, "<< /Type /Font /Subtype /Type1 /BaseFont /Courier /Encoding /WinAnsiEncoding >>");
            WriteObject(BoldFontId, "<< /Type /Font /Subtype /Type1 /BaseFont /Courier-Bold /Encoding /WinAnsiEncoding >>");
        }

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
        _content.Append(CultureInfo.InvariantCulture, $"BT {x:0.##} {_y:0.##} Td ").Append(Show(_fonts.IsEmbedded ? VisualOrder(text) : text, bold)).Append("ET\n");
        _y -= Leading;
    }

    /// <summary>
    /// A simplified visual order for right-to-left scripts (Hebrew, Arabic, Syriac, Thaana, NKo): each
    /// stretch from a right-to-left letter to the last one before a left-to-right letter is reversed,
    /// numbers inside it keep their order and paired brackets are mirrored. No embedding levels and no
    /// Arabic shaping (letters show in their isolated forms).
    /// </summary>
    internal static string VisualOrder(string line)
    {
        ArgumentNullException.ThrowIfNull(line);
        var runes = line.EnumerateRunes().ToArray();
        if (!runes.Any(IsRightToLeft))
        {
            return line;
        }

        var i = 0;
        while (i < runes.Length)
        {
            if (!IsRightToLeft(runes[i]))
            {
                i++;
                continue;
            }

            var end = i;
            for (var k = i + 1; k < runes.Length && !(Rune.IsLetter(runes[k]) && !IsRightToLeft(runes[k])); k++)
            {
                if (IsRightToLeft(runes[k]))
                {
                    end = k;
                }
            }

            Array.Reverse(runes, i, end - i + 1);
            for (var k = i; k <= end; k++)
            {
                runes[k] = Mirror(runes[k]);
                if (Rune.IsDigit(runes[k]))
                {
                    var start = k;
                    while (k + 1 <= end && (Rune.IsDigit(runes[k + 1]) || (runes[k + 1].Value is '.' or ',' && k + 2 <= end && Rune.IsDigit(runes[k + 2]))))
                    {
                        k++;
                    }

                    Array.Reverse(runes, start, k - start + 1);
                }
            }

            i = end + 1;
        }

        var builder = new StringBuilder(line.Length);
        foreach (var rune in runes)
        {
            builder.Append(rune.ToString());
        }

        return builder.ToString();
    }

    private static bool IsRightToLeft(Rune rune) => rune.Value is >= 0x0590 and <= 0x08FF or >= 0xFB1D and <= 0xFDFF or >= 0xFE70 and <= 0xFEFF;

    private static Rune Mirror(Rune rune) => rune.Value switch
    {
        '(' => new Rune(')'),
        ')' => new Rune('('),
        '[' => new Rune(']'),
        ']' => new Rune('['),
        '{' => new Rune('}'),
        '}' => new Rune('{'),
        '<' => new Rune('>'),
        '>' => new Rune('<'),
        _ => rune,
    };

    /// <summary>The text-showing operators for <paramref name="text"/>: one Tf + Tj per run of one font.</summary>
    private string Show(string text, bool bold)
    {
        if (!_fonts.IsEmbedded)
        {
            _pageFonts[bold ? "F2" : "F1"] = bold ? BoldFontId : FontId;
            return $"/{(bold ? "F2" : "F1")} {FontSize} Tf {Literal(text)} Tj ";
        }

        var builder = new StringBuilder();
        EmbeddedFont? current = null;
        foreach (var rune in text.EnumerateRunes())
        {
            var (font, glyph, unicode) = GlyphFor(rune, bold);
            if (!ReferenceEquals(font, current))
            {
                if (current is not null)
                {
                    builder.Append("> Tj ");
                }

                if (font.ObjectId == 0)
                {
                    font.ObjectId = NewId();
                }

                _pageFonts[font.Resource] = font.ObjectId;
                builder.Append(CultureInfo.InvariantCulture, $"/{font.Resource} {FontSize} Tf <");
                current = font;
            }

            font.Used.TryAdd(glyph, unicode);
            builder.Append(glyph.ToString("X4", CultureInfo.InvariantCulture));
        }

        if (current is null)
        {
            return string.Empty;
        }

        return builder.Append("> Tj ").ToString();
    }

    /// <summary>The first font of the style that has the character; else the primary font's '?'.</summary>
    private (EmbeddedFont Font, ushort Glyph, string Unicode) GlyphFor(Rune rune, bool bold)
    {
        var fonts = bold ? _bold : _regular;
        foreach (var font in fonts)
        {
            var glyph = font.Font.GlyphOf(rune.Value);
            if (glyph != 0)
            {
                return (font, glyph, rune.ToString());
            }
        }

        return (fonts[0], fonts[0].Font.GlyphOf('?'), "?");
    }

    /// <summary>Width of <paramref name="text"/> in points.</summary>
    private double Measure(string text, bool bold)
    {
        if (!_fonts.IsEmbedded)
        {
            return text.EnumerateRunes().Count() * CharWidth;
        }

        double width = 0;
        foreach (var rune in text.EnumerateRunes())
        {
            var (font, glyph, _) = GlyphFor(rune, bold);
            width += font.Font.Advance(glyph) * FontSize / 1000;
        }

        return width;
    }

    /// <summary>How many UTF-16 units of <paramref name="text"/> fit in <paramref name="width"/> points (at least one character).</summary>
    private int FittingLength(string text, bool bold, double width)
    {
        double used = 0;
        var index = 0;
        foreach (var rune in text.EnumerateRunes())
        {
            used += Measure(rune.ToString(), bold);
            if (used > width + 0.001)
            {
                return Math.Max(index, rune.Utf16SequenceLength);
            }

            index += rune.Utf16SequenceLength;
        }

        return index;
    }

    private void OpenPage()
    {
        _pageOpen = true;
        _content.Clear();
        _y = PageHeight - Margin;
        _pageFonts.Clear();
        var header = _header;
        var width = PageWidth - (2 * Margin);
        if (Measure(header, bold: true) > width)
        {
            header = header[..FittingLength(header, true, width - Measure("\u2026", bold: true))] + "\u2026";
        }

        _content.Append(CultureInfo.InvariantCulture, $"BT {Margin} {_y:0.##} Td ").Append(Show(header, bold: true)).Append("ET\n");
        _content.Append(CultureInfo.InvariantCulture, $"{Margin} {_y - 4:0.##} m {PageWidth - Margin:0.##} {_y - 4:0.##} l S\n");
        _y -= 2 * Leading;
    }

    private void ClosePage()
    {
        var number = _pageIds.Count + 1;
        var footer = $"Page {number}";
        _content.Append(CultureInfo.InvariantCulture, $"BT {(PageWidth / 2) - (Measure(footer, bold: false) / 2):0.##} {Margin / 2:0.##} Td ").Append(Show(footer, bold: false)).Append("ET\n");
        var contentId = NewId();
        WriteStream(contentId, Encoding.Latin1.GetBytes(_content.ToString()), null, CompressionLevel.Fastest);
        var pageId = NewId();
        WriteObject(pageId, $"<< /Type /Page /Parent {PagesId} 0 R /MediaBox [0 0 {PageWidth:0.##} {PageHeight:0.##}] /Resources << /Font << {string.Join(' ', _pageFonts.Select(f => $"/{f.Key} {f.Value} 0 R"))} >> >> /Contents {contentId} 0 R >>");
        _pageIds.Add(pageId);
        _pageOpen = false;
    }

    /// <summary>Writes the Type0 font, its CIDFontType2, descriptor, subset font file and ToUnicode map.</summary>
    private void WriteEmbeddedFont(EmbeddedFont font)
    {
        var ttf = font.Font;
        var tag = SubsetTag(ttf.PostScriptName, font.Used.Keys);
        var name = $"{tag}+{ttf.PostScriptName}";
        var fileId = NewId();
        var subset = ttf.Subset(font.Used.Keys);
        WriteStream(fileId, subset, $"/Length1 {subset.Length}");
        var descriptorId = NewId();
        var box = string.Join(' ', ttf.BoundingBox);
        var flags = 32 | (ttf.IsFixedPitch ? 1 : 0);
        WriteObject(descriptorId, $"<< /Type /FontDescriptor /FontName /{name} /Flags {flags} /FontBBox [{box}] /ItalicAngle 0 /Ascent {ttf.Ascent} /Descent {ttf.Descent} /CapHeight {ttf.CapHeight} /StemV 80 /FontFile2 {fileId} 0 R >>");
        var widths = new StringBuilder();
        foreach (var glyph in font.Used.Keys)
        {
            widths.Append(CultureInfo.InvariantCulture, $"{glyph} [{ttf.Advance(glyph)}] ");
        }

        var cidId = NewId();
        WriteObject(cidId, $"<< /Type /Font /Subtype /CIDFontType2 /BaseFont /{name} /CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> /FontDescriptor {descriptorId} 0 R /DW 1000 /W [{widths}] /CIDToGIDMap /Identity >>");
        var toUnicodeId = NewId();
        WriteStream(toUnicodeId, Encoding.ASCII.GetBytes(ToUnicodeCMap(font.Used)), null);
        WriteObject(font.ObjectId, $"<< /Type /Font /Subtype /Type0 /BaseFont /{name} /Encoding /Identity-H /DescendantFonts [{cidId} 0 R] /ToUnicode {toUnicodeId} 0 R >>");
    }

    /// <summary>A CMap from 2-byte glyph ids to UTF-16BE, in bfchar blocks of at most 100 (PDF 1.7 §9.10.3).</summary>
    private static string ToUnicodeCMap(SortedDictionary<ushort, string> used)
    {
        var builder = new StringBuilder();
        builder.Append("/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n");
        builder.Append("/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n");
        builder.Append("1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n");
        foreach (var chunk in used.Chunk(100))
        {
            builder.Append(CultureInfo.InvariantCulture, $"{chunk.Length} beginbfchar\n");
            foreach (var (glyph, text) in chunk)
            {
                builder.Append(CultureInfo.InvariantCulture, $"<{glyph:X4}> <{Convert.ToHexString(Encoding.BigEndianUnicode.GetBytes(text))}>\n");
            }

            builder.Append("endbfchar\n");
        }

        builder.Append("endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n");
        return builder.ToString();
    }

    /// <summary>The six capital letters that name a subset (PDF 1.7 §9.6.4), from the font and its glyphs.</summary>
    private static string SubsetTag(string fontName, IEnumerable<ushort> glyphs)
    {
        var hash = 2166136261u;
        foreach (var value in fontName.Select(c => (int)c).Concat(glyphs.Select(g => (int)g)))
        {
            hash = unchecked((hash ^ (uint)value) * 16777619u);
        }

        var tag = new char[6];
        for (var i = 0; i < 6; i++)
        {
            tag[i] = (char)('A' + (hash % 26));
            hash /= 26;
        }

        return new string(tag);
    }

    /// <summary>A Flate-compressed stream object (page contents at the fastest level; fonts and maps at the smallest).</summary>
    private void WriteStream(int id, byte[] data, string? extra, CompressionLevel level = CompressionLevel.Optimal)
    {
        byte[] compressed;
        using (var buffer = new MemoryStream())
        {
            using (var z = new ZLibStream(buffer, level, leaveOpen: true))
            {
                z.Write(data);
            }

            compressed = buffer.ToArray();
        }

        BeginObject(id);
        WriteRaw($"<< /Length {compressed.Length} /Filter /FlateDecode{(extra is null ? string.Empty : " " + extra)} >>\nstream\n");
        _output.Write(compressed);
        _position += compressed.Length;
        WriteRaw("\nendstream\nendobj\n");
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

    /// <summary>A TrueType font used by this document: its resource name, Type0 object and the glyphs shown (glyph → text).</summary>
    private sealed class EmbeddedFont(TrueTypeFont font, string resource, int objectId)
    {
        public TrueTypeFont Font { get; } = font;

        public string Resource { get; } = resource;

        public int ObjectId { get; set; } = objectId;

        public SortedDictionary<ushort, string> Used { get; } = [];
    }
}
