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

    [Fact]
    public async Task ExportAsync_Pdf_EveryMessageWithTimeAndSender()
    {
        using var temp = new TempDirectory();
        using (var builder = new SmsDbBuilder(temp.Combine("sms.db")))
        {
            var alice = builder.Handle("+15551234567");
            var chat = builder.Chat("iMessage;-;+15551234567", "+15551234567", null, alice);
            for (var i = 0; i < 120; i++)
            {
                builder.Message(chat, $"G{i}", $"Message number {i} (evidence)", i % 2 == 0 ? alice : 0, i % 2 == 1, i);
            }
        }

        using var db = MessagesDatabase.Open(temp.Combine("sms.db"));
        var result = await new MessagesExporter(db).ExportAsync(temp.Combine("out"), new MessagesExportOptions { Format = MessageFormat.Pdf });
        Assert.Equal(120, result.Messages);
        var pages = ReadPages(File.ReadAllBytes(Directory.GetFiles(temp.Combine("out"), "*.pdf").Single()));
        Assert.True(pages.Count > 1);
        var lines = pages.SelectMany(p => p).ToList();
        for (var i = 0; i < 120; i++)
        {
            Assert.Contains($"Message number {i} (evidence)", lines);
        }

        Assert.Contains("[2023-05-01 12:00:00 +00:00] +15551234567 via iMessage", lines);
        Assert.Contains("[2023-05-01 12:01:00 +00:00] Me via iMessage", lines);
    }
}
