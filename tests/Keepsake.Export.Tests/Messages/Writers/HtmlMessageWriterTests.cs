using Keepsake.Export.Messages;
using Keepsake.Export.Tests.Support;
using Keepsake.TestKit;

namespace Keepsake.Export.Tests.Messages.Writers;

/// <summary>
/// The HTML exports opened in headless Chromium (Debian's package) from disk, as a person would:
/// every image decodes, every audio/video loads, every relative link has its target, nothing is
/// fetched from outside the export folder. A full-page screenshot of each page is kept under
/// artifacts/test-results/screenshots/.
/// </summary>
public sealed class HtmlMessageWriterTests
{
    private const string AttachmentsFolder = "Library/SMS/Attachments/";

    /// <summary>
    /// A backup holding an sms.db whose chat has a PNG, a HEIC photo (made by heif-enc), a damaged HEIC,
    /// a voice memo, a video (recorded by Chromium), a document and an attachment the backup lacks.
    /// </summary>
    private static async Task<MemoryBackupSource> BuildBackupAsync(TempDirectory temp, HeadlessChromium chromium)
    {
        using (var builder = new SmsDbBuilder(temp.Combine("sms.db")))
        {
            var alice = builder.Handle("+15551234567");
            var chat = builder.Chat("iMessage;-;+15551234567", "+15551234567", "Alice & the <team>", alice);
            builder.Message(chat, "A1", "Look at this, it is the photo from the trip", alice, false, 0);
            var photo = builder.Message(chat, "A2", "\uFFFC", alice, false, 1);
            builder.Attachment(photo, "AT1", "~/" + AttachmentsFolder + "ab/12/AT1/my photo #1 é.png", "my photo #1 é.png", "image/png", 0);
            var voice = builder.Message(chat, "A3", "\uFFFC", 0, true, 2);
            builder.Attachment(voice, "AT2", "~/" + AttachmentsFolder + "cd/34/AT2/Audio Message.wav", "Audio Message.wav", "audio/x-wav", 0);
            var clip = builder.Message(chat, "A4", "\uFFFCand a clip", alice, false, 3);
            builder.Attachment(clip, "AT3", "~/" + AttachmentsFolder + "ef/56/AT3/clip.webm", "clip.webm", "video/webm", 0);
            var document = builder.Message(chat, "A5", "\uFFFC", 0, true, 4);
            builder.Attachment(document, "AT4", "~/" + AttachmentsFolder + "01/23/AT4/notes?v=2.txt", "notes?v=2.txt", "text/plain", 0);
            var gone = builder.Message(chat, "A6", "\uFFFC", alice, false, 5);
            builder.Attachment(gone, "AT5", "~/" + AttachmentsFolder + "45/67/AT5/IMG_0002.JPG", "IMG_0002.JPG", "image/jpeg", 0);
            builder.Message(chat, "A7", "See https://example.com for more", 0, true, 6);
            var heicMessage = builder.Message(chat, "A8", "\uFFFC", alice, false, 7);
            builder.Attachment(heicMessage, "AT6", "~/" + AttachmentsFolder + "89/ab/AT6/IMG_0100.HEIC", "IMG_0100.HEIC", "image/heic", 0);
            var damaged = builder.Message(chat, "A9", "\uFFFC", alice, false, 8);
            builder.Attachment(damaged, "AT7", "~/" + AttachmentsFolder + "cd/ef/AT7/IMG_0101.HEIC", "IMG_0101.HEIC", "image/heic", 0);
        }

        var source = new MemoryBackupSource();
        source.Add(MessagesDatabase.HomeDomain, MessagesDatabase.SmsDbPath, File.ReadAllBytes(temp.Combine("sms.db")));
        source.Add(MessagesDatabase.MediaDomain, AttachmentsFolder + "ab/12/AT1/my photo #1 é.png", TestMedia.Png(160, 120, 40, 160, 240));
        source.Add(MessagesDatabase.MediaDomain, AttachmentsFolder + "cd/34/AT2/Audio Message.wav", TestMedia.Wav());
        source.Add(MessagesDatabase.MediaDomain, AttachmentsFolder + "ef/56/AT3/clip.webm", await chromium.RecordWebmAsync());
        source.Add(MessagesDatabase.MediaDomain, AttachmentsFolder + "01/23/AT4/notes?v=2.txt", "plain notes"u8.ToArray());
        var heic = HeifEncoder.Encode(temp, TestMedia.Png(120, 160, 250, 180, 30));
        source.Add(MessagesDatabase.MediaDomain, AttachmentsFolder + "89/ab/AT6/IMG_0100.HEIC", heic);
        source.Add(MessagesDatabase.MediaDomain, AttachmentsFolder + "cd/ef/AT7/IMG_0101.HEIC", heic[..(heic.Length / 2)]);
        return source;
    }

    [ToolFact("chromium", "heif-enc")]
    public async Task ExportAsync_Html_EveryAttachmentLoadsInChromium()
    {
        using var temp = new TempDirectory();
        await using var chromium = await HeadlessChromium.LaunchAsync();
        using var source = await BuildBackupAsync(temp, chromium);
        using var db = await MessagesDatabase.OpenAsync(source);
        var zone = TimeZoneInfo.FindSystemTimeZoneById("Europe/Paris");
        var result = await new MessagesExporter(db).ExportAsync(temp.Combine("out"), new MessagesExportOptions { Format = MessageFormat.Html, TimeZone = zone });
        Assert.Equal(6, result.AttachmentsCopied);
        Assert.Equal(1, result.AttachmentsMissing);
        var folder = Path.GetDirectoryName(Directory.GetFiles(temp.Combine("out", "attachments"), "*-IMG_0100.HEIC", SearchOption.AllDirectories).Single())!;
        Assert.True(File.Exists(Path.Combine(folder, "6-IMG_0100.HEIC")), "the original HEIC is kept");
        Assert.False(File.Exists(Path.Combine(folder, "7-IMG_0101.HEIC.jpg")), "no display copy of a damaged HEIC");

        var page = Directory.GetFiles(temp.Combine("out"), "*.html").Single(f => Path.GetFileName(f) != "index.html");
        var report = await chromium.LoadAsync(page, "messages-conversation");
        Assert.True(report.Problems.Count == 0, string.Join("\n", report.Problems));
        Assert.Equal("Alice & the <team>", report.Title);
        Assert.Equal(2, report.Images); // the PNG and the JPEG copy of the HEIC
        Assert.Contains(("attachments/1/6-IMG_0100.HEIC.jpg", 120, 160), report.ImageSizes);
        Assert.Contains("IMG_0100.HEIC (original HEIC; shown as a JPEG copy)", report.Text, StringComparison.Ordinal);
        Assert.Contains("IMG_0101.HEIC (HEIC image not shown: could not be converted for display", report.Text, StringComparison.Ordinal);
        Assert.Equal(2, report.Media); // the voice memo and the clip
        Assert.True(report.RelativeLinks >= 7, $"{report.RelativeLinks} relative links");
        Assert.Contains("All times: Europe/Paris", report.Text, StringComparison.Ordinal);
        Assert.Contains("Missing attachment: IMG_0002.JPG", report.Text, StringComparison.Ordinal);
        Assert.Contains("2023-05-01 14:00", report.Text, StringComparison.Ordinal); // 12:00 UTC shown in Paris summer time
        Assert.True(new FileInfo(report.Screenshot!).Length > 1000);

        var index = await chromium.LoadAsync(Path.Combine(temp.Combine("out"), "index.html"), "messages-index");
        Assert.True(index.Problems.Count == 0, string.Join("\n", index.Problems));
        Assert.Equal(1, index.RelativeLinks);
    }

    [ToolFact("chromium", "heif-enc")]
    public async Task ExportAsync_Html_ChromiumCheckCatchesABrokenAttachment()
    {
        using var temp = new TempDirectory();
        await using var chromium = await HeadlessChromium.LaunchAsync();
        using var source = await BuildBackupAsync(temp, chromium);
        using var db = await MessagesDatabase.OpenAsync(source);
        await new MessagesExporter(db).ExportAsync(temp.Combine("out"), new MessagesExportOptions { Format = MessageFormat.Html });
        var page = Directory.GetFiles(temp.Combine("out"), "*.html").Single(f => Path.GetFileName(f) != "index.html");

        // Break the export the way a lost file would: the checks above must see it.
        var image = Directory.GetFiles(temp.Combine("out", "attachments"), "*.png", SearchOption.AllDirectories).Single();
        File.Delete(image);
        var document = Directory.GetFiles(temp.Combine("out", "attachments"), "*.txt", SearchOption.AllDirectories).Single();
        File.Delete(document);
        var voice = Directory.GetFiles(temp.Combine("out", "attachments"), "*.wav", SearchOption.AllDirectories).Single();
        File.Delete(voice);
        var report = await chromium.LoadAsync(page);
        Assert.Contains(report.Problems, p => p.StartsWith("request failed", StringComparison.Ordinal) && p.Contains("ERR_FILE_NOT_FOUND", StringComparison.Ordinal));
        Assert.Contains(report.Problems, p => p.StartsWith("image did not load", StringComparison.Ordinal));
        Assert.Contains(report.Problems, p => p.StartsWith("audio did not load", StringComparison.Ordinal));
        Assert.Contains(report.Problems, p => p.StartsWith("link target absent", StringComparison.Ordinal) && p.Contains("notes", StringComparison.Ordinal));
    }

    [ToolFact("chromium", "sqlite3")]
    public async Task WhatsAppExport_Html_LoadsInChromiumWithEveryMessage()
    {
        const string Fixture = "ileapp-public-images/whatsapp-chatstorage-hickman-ios15.3.1/ChatStorage.sqlite";
        if (!Fixtures.Exists(Fixture))
        {
            Assert.True(Fixtures.Root is null, $"fixture {Fixture} missing");
            return;
        }

        using var temp = new TempDirectory();
        var copy = Fixtures.CopySqlite(Fixture, temp);
        await ExportRunner.RunAsync(ExportKind.WhatsApp, copy, temp.Combine("out"), new ExportOptions { Format = "html" });
        await using var chromium = await HeadlessChromium.LaunchAsync();
        // Largest page first: it gets the screenshot.
        var pages = Directory.GetFiles(temp.Combine("out"), "*.html").OrderByDescending(f => new FileInfo(f).Length).ThenBy(f => f, StringComparer.Ordinal).ToList();
        Assert.NotEmpty(pages);
        var ids = new List<long>();
        for (var i = 0; i < pages.Count; i++)
        {
            var report = await chromium.LoadAsync(pages[i], i == 0 ? "whatsapp-conversation" : null);
            Assert.True(report.Problems.Count == 0, pages[i] + ":\n" + string.Join("\n", report.Problems));
            Assert.Contains("All times: UTC", report.Text, StringComparison.Ordinal);
            ids.AddRange(report.ElementIds.Where(id => id.StartsWith("m-", StringComparison.Ordinal)).Select(id => long.Parse(id[2..], System.Globalization.CultureInfo.InvariantCulture)));
        }

        // Every message row is on a page, once, as sqlite3 lists them.
        var expected = ExternalTool.Run("sqlite3", [copy, "SELECT Z_PK FROM ZWAMESSAGE ORDER BY Z_PK"]).EnsureSuccess("sqlite3").StandardOutput
            .Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(v => long.Parse(v, System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(expected, ids.Order());
    }
}
