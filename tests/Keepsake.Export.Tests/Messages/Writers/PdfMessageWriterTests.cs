using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Keepsake.Export.Messages;
using Keepsake.Export.Tests.Support;
using Keepsake.TestKit;

namespace Keepsake.Export.Tests.Messages.Writers;

/// <summary>The messages PDF read by poppler (Debian's poppler-utils): pdfinfo, pdftoppm and pdftotext.</summary>
public sealed class PdfMessageWriterTests
{
    [ToolFact("pdftoppm", "pdftotext", "pdfinfo")]
    public async Task ExportAsync_Pdf_PopplerRendersPagesAndExtractsSenderTextAndZonedTime()
    {
        using var temp = new TempDirectory();
        using (var builder = new SmsDbBuilder(temp.Combine("sms.db")))
        {
            var alice = builder.Handle("+15551234567");
            var chat = builder.Chat("iMessage;-;+15551234567", "+15551234567", "Evidence chat", alice);
            for (var i = 0; i < 90; i++)
            {
                builder.Message(chat, $"E{i}", $"Statement {i}: the parcel (number {i * 7}) arrived at the depot", i % 3 == 0 ? 0 : alice, i % 3 == 0, i);
            }

            builder.Message(chat, "U1", "Встреча в 10:00 ✓ — Καλή αντάμωση 😀", alice, false, 90);
        }

        using var db = MessagesDatabase.Open(temp.Combine("sms.db"));
        var zone = TimeZoneInfo.FindSystemTimeZoneById("America/New_York");
        await new MessagesExporter(db).ExportAsync(temp.Combine("out"), new MessagesExportOptions { Format = MessageFormat.Pdf, TimeZone = zone });
        var pdf = Directory.GetFiles(temp.Combine("out"), "*.pdf").Single();

        var info = ExternalTool.Run("pdfinfo", [pdf]).EnsureSuccess("pdfinfo").StandardOutput;
        var pages = int.Parse(Regex.Match(info, @"^Pages:\s+(\d+)", RegexOptions.Multiline).Groups[1].Value, CultureInfo.InvariantCulture);
        Assert.True(pages >= 3, info);
        Assert.Contains("595.28 x 841.89 pts (A4)", info, StringComparison.Ordinal);

        // Every page renders and carries ink: rasterised to greyscale PGM, each has dark pixels.
        ExternalTool.Run("pdftoppm", ["-gray", "-r", "40", pdf, temp.Combine("gray")]).EnsureSuccess("pdftoppm -gray");
        var grays = Directory.GetFiles(temp.Path, "gray-*.pgm").Order(StringComparer.Ordinal).ToList();
        Assert.Equal(pages, grays.Count);
        foreach (var gray in grays)
        {
            var ink = DarkFraction(File.ReadAllBytes(gray));
            Assert.True(ink is > 0.002 and < 0.5, $"{Path.GetFileName(gray)}: {ink:P2} dark pixels");
        }

        // PNG pages for a person to look at, kept with the test results.
        ExternalTool.Run("pdftoppm", ["-png", "-r", "60", "-f", "1", "-l", "1", pdf, temp.Combine("page")]).EnsureSuccess("pdftoppm -png");
        var png = Directory.GetFiles(temp.Path, "page-*.png").Single();
        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], File.ReadAllBytes(png)[..4]);
        Directory.CreateDirectory(HeadlessChromium.ScreenshotFolder);
        File.Copy(png, Path.Combine(HeadlessChromium.ScreenshotFolder, "messages-pdf-page-1.png"), overwrite: true);

        var text = ExternalTool.Run("pdftotext", ["-enc", "UTF-8", pdf, "-"]).EnsureSuccess("pdftotext").StandardOutput;
        var perPage = text.Split('\f');
        for (var p = 1; p <= pages; p++)
        {
            Assert.Contains($"Page {p}", perPage[p - 1], StringComparison.Ordinal);
            Assert.Contains("Evidence chat", perPage[p - 1], StringComparison.Ordinal);
        }

        Assert.Contains("All times: America/New_York", text, StringComparison.Ordinal);
        for (var i = 0; i < 90; i++)
        {
            Assert.Contains($"Statement {i}: the parcel (number {i * 7}) arrived at the depot", text, StringComparison.Ordinal);
        }

        // 12:00 UTC on 1 May 2023 is 08:00 in New York (EDT, -04:00); sender on every message.
        Assert.Contains("[2023-05-01 08:00:00 -04:00] Me via iMessage", text, StringComparison.Ordinal);
        Assert.Contains("[2023-05-01 08:01:00 -04:00] +15551234567 via iMessage", text, StringComparison.Ordinal);
        Assert.Equal(91, Regex.Matches(text, @"\[2023-05-01 \d\d:\d\d:00 -04:00\] (Me|\+15551234567) via iMessage").Count);

        // Non-Latin text and emoji survive (embedded TrueType subsets with ToUnicode maps).
        Assert.Contains("Встреча в 10:00 ✓ — Καλή αντάμωση 😀", text, StringComparison.Ordinal);
    }

    /// <summary>The share of pixels darker than mid-grey in a binary PGM (P5, 8-bit) image.</summary>
    private static double DarkFraction(byte[] pgm)
    {
        var header = Encoding.ASCII.GetString(pgm, 0, Math.Min(pgm.Length, 64));
        var match = Regex.Match(header, @"^P5\s+(\d+)\s+(\d+)\s+255\s");
        Assert.True(match.Success, "not an 8-bit PGM");
        var width = int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
        var height = int.Parse(match.Groups[2].Value, CultureInfo.InvariantCulture);
        var pixels = pgm.AsSpan(match.Length, width * height);
        var dark = 0;
        foreach (var value in pixels)
        {
            if (value < 128)
            {
                dark++;
            }
        }

        return (double)dark / pixels.Length;
    }
}
