using System.Globalization;
using System.IO.Compression;
using System.Text;
using System.Text.RegularExpressions;
using Keepsake.Export.Messages;
using Keepsake.Export.Pdf;
using Keepsake.Export.Tests.Support;
using Keepsake.TestKit;

namespace Keepsake.Export.Tests.Pdf;

public sealed class PdfTextDocumentTests
{
    /// <summary>
    /// An independent structural reader: checks header, trailer, that every xref offset points at its
    /// object, that the page count matches, inflates every content stream and returns the shown
    /// strings of each page (Tj operands, escapes decoded, WinAnsi as Latin-1).
    /// </summary>
    internal static List<List<string>> ReadPages(byte[] pdf)
    {
        var text = Encoding.Latin1.GetString(pdf);
        Assert.StartsWith("%PDF-1.", text, StringComparison.Ordinal);
        Assert.EndsWith("%%EOF\n", text, StringComparison.Ordinal);
        var startxref = long.Parse(Regex.Match(text, @"startxref\n(\d+)\n%%EOF\n$").Groups[1].Value, CultureInfo.InvariantCulture);
        Assert.StartsWith("xref\n", text[(int)startxref..], StringComparison.Ordinal);
        var header = Regex.Match(text[(int)startxref..], @"^xref\n0 (\d+)\n");
        var count = int.Parse(header.Groups[1].Value, CultureInfo.InvariantCulture);
        var entries = text.Substring((int)startxref + header.Length, count * 20);
        for (var i = 1; i < count; i++)
        {
            var offset = int.Parse(entries.AsSpan(i * 20, 10), CultureInfo.InvariantCulture);
            Assert.StartsWith($"{i} 0 obj\n", text[offset..], StringComparison.Ordinal);
        }

        var declared = int.Parse(Regex.Match(text, @"/Type /Pages /Count (\d+)").Groups[1].Value, CultureInfo.InvariantCulture);
        Assert.Equal(declared, Regex.Matches(text, @"/Type /Page /Parent").Count);

        var pages = new List<List<string>>();
        foreach (Match m in Regex.Matches(text, @"/Length (\d+) /Filter /FlateDecode >>\nstream\n"))
        {
            var length = int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
            var start = m.Index + m.Length;
            Assert.Equal("\nendstream", text.Substring(start + length, 10));
            using var z = new ZLibStream(new MemoryStream(pdf, start, length), CompressionMode.Decompress);
            using var reader = new StreamReader(z, Encoding.Latin1);
            var content = reader.ReadToEnd();
            pages.Add([.. Regex.Matches(content, @"\(((?:\\.|[^\\)])*)\) Tj").Select(x => Unescape(x.Groups[1].Value))]);
        }

        Assert.Equal(declared, pages.Count);
        return pages;
    }

    private static string Unescape(string s) =>
        Regex.Replace(s, @"\\([0-7]{3}|.)", m => m.Groups[1].Value.Length == 3 ? ((char)Convert.ToInt32(m.Groups[1].Value, 8)).ToString() : m.Groups[1].Value);

    [Fact]
    public void Paragraph_ManyLines_PaginatesWithHeaderAndPageNumbers()
    {
        var output = new MemoryStream();
        using (var document = new PdfTextDocument(output, "Header (test) \\ é"))
        {
            for (var i = 0; i < 200; i++)
            {
                document.Paragraph($"Line {i} with (parentheses) and a backslash \\ and café € — done");
            }

            document.Paragraph(new string('x', 300));
            document.Finish();
            Assert.True(document.Pages >= 3);
        }

        var pages = ReadPages(output.ToArray());
        for (var p = 0; p < pages.Count; p++)
        {
            Assert.Equal("Header (test) \\ é", pages[p][0]);
            Assert.Equal($"Page {p + 1}", pages[p][^1]);
        }

        var all = pages.SelectMany(p => p).ToList();
        Assert.Contains("Line 0 with (parentheses) and a backslash \\ and café \u0080 \u0097 done", all);
        Assert.Contains("Line 199 with (parentheses) and a backslash \\ and café \u0080 \u0097 done", all);
        Assert.All(all, l => Assert.True(l.Length <= PdfTextDocument.CharsPerLine(0)));
    }

    [Fact]
    public void Literal_NonLatin_BecomesQuestionMark()
    {
        Assert.Equal("(\\(a\\)??)", PdfTextDocument.Literal("(a)漢😀"));
    }

    [ToolFact("pdftotext", "pdffonts", "pdftoppm")]
    public void Paragraph_SystemFonts_NonLatinTextPrintsAndExtracts()
    {
        Assert.True(PdfFonts.System.IsEmbedded, "no TrueType font found (Debian: fonts-dejavu-core; ./test.sh installs it)");
        using var temp = new TempDirectory();
        string[] lines =
        [
            "Cyrillic: Привет, мир! Съешь же ещё этих мягких французских булок",
            "Greek: Καλημέρα κόσμε, ξεσκεπάζω την ψυχοφθόρα βδελυγμία",
            "Latin: Zürich, Łódź, São Paulo, Ærøskøbing — “quotes” € ½ ©",
            "Emoji: 😀 😂 ❤ ☺ ✓",
            "Box and arrows: ┌─┐ → ⇒ ∀x∈ℝ",
        ];
        using (var document = new PdfTextDocument(File.Create(temp.Combine("unicode.pdf")), "Header: Ещё Ελληνικά 😀", PdfFonts.System))
        {
            document.Paragraph("Title line", bold: true);
            foreach (var line in lines)
            {
                document.Paragraph(line, bold: line.StartsWith("Greek", StringComparison.Ordinal));
            }

            document.Paragraph("Hebrew: שלום עולם");
            document.Paragraph(string.Concat(Enumerable.Repeat("ДлиннаяСтрокаБезПробелов", 12)));
            document.Finish();
        }

        var pdf = temp.Combine("unicode.pdf");
        var text = ExternalTool.Run("pdftotext", ["-enc", "UTF-8", pdf, "-"]).EnsureSuccess("pdftotext").StandardOutput;
        foreach (var line in lines)
        {
            Assert.Contains(line, text, StringComparison.Ordinal);
        }

        // Right-to-left text is laid out in visual order, so a bidi-aware reader gets the logical order back.
        var withoutMarks = new string([.. text.Where(c => c is < '\u202A' or > '\u202E')]);
        Assert.Contains("Hebrew: שלום עולם", withoutMarks, StringComparison.Ordinal);

        Assert.Contains("Header: Ещё Ελληνικά 😀", text, StringComparison.Ordinal);
        Assert.Contains("Page 1", text, StringComparison.Ordinal);
        Assert.DoesNotContain("?", text, StringComparison.Ordinal);
        var unbroken = string.Concat(Enumerable.Repeat("ДлиннаяСтрокаБезПробелов", 12));
        Assert.Contains(unbroken, string.Concat(text.Split('\n').Select(l => l.Trim())), StringComparison.Ordinal);

        // Every font is an embedded, subset TrueType CID font with a ToUnicode map.
        var fonts = ExternalTool.Run("pdffonts", [pdf]).EnsureSuccess("pdffonts").StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(2).ToList();
        Assert.NotEmpty(fonts);
        Assert.All(fonts, f => Assert.Matches(@"^[A-Z]{6}\+\S+\s+CID TrueType\s+Identity-H\s+yes\s+yes\s+yes\s", f));
        Assert.True(new FileInfo(pdf).Length < 150_000, $"{new FileInfo(pdf).Length} bytes: the fonts are not subset");

        ExternalTool.Run("pdftoppm", ["-png", "-r", "110", "-W", "700", "-H", "450", pdf, temp.Combine("page")]).EnsureSuccess("pdftoppm");
        var png = Directory.GetFiles(temp.Path, "page-*.png").Single();
        Directory.CreateDirectory(HeadlessChromium.ScreenshotFolder);
        File.Copy(png, Path.Combine(HeadlessChromium.ScreenshotFolder, "pdf-unicode-page-1.png"), overwrite: true);
    }

    [Theory]
    [InlineData("abc", "abc")]
    [InlineData("Hebrew: שלום", "Hebrew: םולש")]
    [InlineData("שלום 123 עולם", "םלוע 123 םולש")]
    [InlineData("(שלום) x", "(םולש) x")]
    [InlineData("שלום עולם (123 ש)", "ש 123) םלוע םולש)")]
    public void VisualOrder_RightToLeftRuns_ReversedWithNumbersKept(string logical, string visual)
    {
        Assert.Equal(visual, PdfTextDocument.VisualOrder(logical));
    }

    [ToolFact("pdftotext")]
    public void Paragraph_NoTrueTypeFont_FallsBackToCourierWithQuestionMarks()
    {
        using var temp = new TempDirectory();
        var fonts = PdfFonts.FromFiles([temp.Combine("absent.ttf")], []);
        Assert.Same(PdfFonts.Standard, fonts);
        using (var document = new PdfTextDocument(File.Create(temp.Combine("plain.pdf")), "Header", fonts))
        {
            document.Paragraph("café Привет");
            document.Finish();
        }

        var text = ExternalTool.Run("pdftotext", ["-enc", "UTF-8", temp.Combine("plain.pdf"), "-"]).EnsureSuccess("pdftotext").StandardOutput;
        Assert.Contains("café ??????", text, StringComparison.Ordinal);
    }
}
