using System.Globalization;
using Keepsake.BackupFormat;
using Keepsake.Export.Messages;
using Keepsake.Export.Storage;
using Keepsake.Export.Tests.Support;
using Keepsake.TestKit;

namespace Keepsake.Export.Tests.Storage;

public sealed class StorageReportTests
{
    [FixtureFact("mvt-ios-backup")]
    public async Task BuildAsync_MvtBackup_FileCountEqualsManifestAndDomainsAddUp()
    {
        using var backup = BackupFolder.Open(Fixtures.Path("mvt-ios-backup"));
        var report = await StorageReport.BuildAsync(backup, 5);
        var manifest = Fixtures.Path("mvt-ios-backup", "Manifest.db");
        var files = long.Parse(ExternalTool.Run("sqlite3", [$"file:{manifest}?mode=ro&immutable=1", "SELECT COUNT(*) FROM Files WHERE flags = 1"]).EnsureSuccess("sqlite3").StandardOutput.Trim(), CultureInfo.InvariantCulture);
        Assert.Equal(files, report.TotalFiles);
        Assert.Equal(report.TotalBytes, report.ByDomain.Sum(d => d.Bytes));
        Assert.Equal(report.TotalFiles, report.ByDomain.Sum(d => d.Files));
        Assert.Equal(5, report.LargestFiles.Count);
        Assert.True(report.LargestFiles.Zip(report.LargestFiles.Skip(1)).All(p => p.First.Bytes >= p.Second.Bytes));
        Assert.True(report.ByDomain.Zip(report.ByDomain.Skip(1)).All(p => p.First.Bytes >= p.Second.Bytes));
        Assert.Contains(report.ByApp, a => a.Name == "net.whatsapp.WhatsApp.shared");
        Assert.Empty(report.LargestAttachments); // this sms.db has no attachment table
    }

    [Fact]
    public async Task BuildAsync_Attachments_LargestFirstWithConversationAndPresence()
    {
        using var temp = new TempDirectory();
        using (var builder = new SmsDbBuilder(temp.Combine("sms.db")))
        {
            var alice = builder.Handle("+15551234567");
            var chat = builder.Chat("iMessage;-;+15551234567", "+15551234567", "Family", alice);
            var m = builder.Message(chat, "M1", "\uFFFC\uFFFC", alice, false, 0);
            builder.Attachment(m, "A1", "~/Library/SMS/Attachments/a/b/A1/small.jpg", "small.jpg", "image/jpeg", 10);
            builder.Attachment(m, "A2", "~/Library/SMS/Attachments/a/b/A2/big.mov", "big.mov", "video/quicktime", 5_000_000);
        }

        var source = new MemoryBackupSource();
        source.Add(MessagesDatabase.HomeDomain, MessagesDatabase.SmsDbPath, File.ReadAllBytes(temp.Combine("sms.db")));
        source.Add(MessagesDatabase.MediaDomain, "Library/SMS/Attachments/a/b/A2/big.mov", new byte[100]);
        var report = await StorageReport.BuildAsync(source, 10);
        Assert.Equal(["big.mov", "small.jpg"], report.LargestAttachments.Select(a => a.Name));
        Assert.Equal(5_000_000, report.LargestAttachments[0].Bytes);
        Assert.Contains("Family", report.LargestAttachments[0].Detail, StringComparison.Ordinal);
        Assert.Contains("in the backup", report.LargestAttachments[0].Detail, StringComparison.Ordinal);
        Assert.Contains("not in the backup", report.LargestAttachments[1].Detail, StringComparison.Ordinal);
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => StorageReport.BuildAsync(source, 0));
    }

    [Fact]
    public async Task BuildAsync_VideosAnywhere_LargestFirstWithTheirDomain()
    {
        var source = new MemoryBackupSource();
        source.Add("CameraRollDomain", "Media/DCIM/100APPLE/IMG_0002.MOV", new byte[3000]);
        source.Add("CameraRollDomain", "Media/DCIM/100APPLE/IMG_0001.JPG", new byte[9000]);
        source.Add(MessagesDatabase.MediaDomain, "Library/SMS/Attachments/a/b/A2/clip.mp4", new byte[2000]);
        source.Add("AppDomain-net.whatsapp.WhatsApp", "Media/video.m4v", new byte[1000]);
        source.Add("HomeDomain", "Library/notes.txt", new byte[5]);

        var report = await StorageReport.BuildAsync(source, 2);

        Assert.Equal(["Media/DCIM/100APPLE/IMG_0002.MOV", "Library/SMS/Attachments/a/b/A2/clip.mp4"], report.LargestVideos.Select(v => v.Name));
        Assert.Equal([3000L, 2000L], report.LargestVideos.Select(v => v.Bytes));
        Assert.Equal(["CameraRollDomain", MessagesDatabase.MediaDomain], report.LargestVideos.Select(v => v.Detail));
        Assert.Equal("CameraRollDomain/Media/DCIM/100APPLE/IMG_0001.JPG", report.LargestFiles[0].Name);
    }

    [Theory]
    [InlineData("AppDomain-com.example.App", "com.example.App")]
    [InlineData("AppDomainGroup-group.net.whatsapp.WhatsApp.shared", "net.whatsapp.WhatsApp.shared")]
    [InlineData("AppDomainPlugin-com.example.App.Widget", "com.example.App.Widget")]
    [InlineData("HomeDomain", null)]
    public void AppOf_Domains_GiveBundleIds(string domain, string? app)
    {
        Assert.Equal(app, StorageReport.AppOf(domain));
    }
}
