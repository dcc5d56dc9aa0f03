using System.Text.Json;
using Keepsake.BackupFormat.Writer;
using Keepsake.Plist;
using Keepsake.TestKit;

namespace Keepsake.Cli.Tests;

/// <summary><c>keepsake storage</c> shows categories (photos, messages, apps...) and apps by the name the backup's Info.plist gives them, and honours --top.</summary>
public sealed class StorageCommandTests
{
    [Fact]
    public void Storage_Backup_ShowsCategoriesAndAppNamesAndHonoursTop()
    {
        using var dir = new TempDirectory();
        var folder = dir.Combine("00008030-00000STORAGE0001");
        using (var writer = BackupWriter.Create(folder, new BackupWriterOptions { Udid = "00008030-00000STORAGE0001" }))
        {
            writer.AddFile("CameraRollDomain", "Media/DCIM/100APPLE/IMG_0001.HEIC", new MemoryStream(new byte[300_000]));
            writer.AddFile("HomeDomain", "Library/SMS/sms.db", new MemoryStream(new byte[70_000]));
            writer.AddFile("AppDomain-com.example.notebook", "Documents/pages.db", new MemoryStream(new byte[50_000]));
            writer.AddFile("AppDomain-com.example.other", "Documents/other.db", new MemoryStream(new byte[20_000]));
            writer.Complete();
        }

        // What iTunes and Finder record for an installed app: its App Store metadata, with the name people know.
        var infoPath = Path.Combine(folder, "Info.plist");
        var info = PlistReader.Read(File.ReadAllBytes(infoPath)).AsDictionary();
        info["Applications"] = new PlistDictionary
        {
            ["com.example.notebook"] = new PlistDictionary { ["iTunesMetadata"] = PlistWriter.ToBinary(new PlistDictionary { ["itemName"] = "Notebook Pro" }) },
        };
        File.WriteAllBytes(infoPath, PlistWriter.ToXml(info));

        var rows = JsonDocument.Parse(KeepsakeProcess.Run(["storage", folder, "--json", "--top", "1"]).EnsureSuccess("keepsake storage --json").StandardOutput)
            .RootElement.EnumerateArray().ToList();

        var categories = rows.Where(r => r.GetProperty("section").GetString() == "category").ToDictionary(r => r.GetProperty("name").GetString()!, r => r.GetProperty("bytes").GetInt64());
        Assert.Equal(300_000, categories["photos"]);
        Assert.Equal(70_000, categories["messages"]);
        Assert.Equal(70_000, categories["apps"]);
        var app = Assert.Single(rows, r => r.GetProperty("section").GetString() == "app");
        Assert.Equal("com.example.notebook", app.GetProperty("name").GetString());
        Assert.Equal("Notebook Pro", app.GetProperty("detail").GetString());
        Assert.Single(rows, r => r.GetProperty("section").GetString() == "domain");
        Assert.Contains("Notebook Pro", KeepsakeProcess.Run(["storage", folder]).EnsureSuccess("keepsake storage").StandardOutput, StringComparison.Ordinal);
    }
}
