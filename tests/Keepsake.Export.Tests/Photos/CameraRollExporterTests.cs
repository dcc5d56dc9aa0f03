using System.Text.Json;
using Keepsake.Device.Simulator.Phone.Generated;
using Keepsake.Export.Photos;
using Keepsake.Export.Tests.Support;
using Keepsake.TestKit;

namespace Keepsake.Export.Tests.Photos;

/// <summary>Photos without (or with a broken) Photos.sqlite: the DCIM files of a generated phone, dated from their own metadata.</summary>
public sealed class CameraRollExporterTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task RunAsync_NoUsablePhotosSqlite_ExportsDcimFilesDatedFromExif(bool brokenDatabase)
    {
        using var temp = new TempDirectory();
        var plan = PhonePlan.Create(new PhoneProfile(5, 12L * 1024 * 1024));
        var phone = temp.Combine("phone");
        GeneratedPhone.WriteTo(phone, plan);
        using var source = new MemoryBackupSource();
        foreach (var file in Directory.EnumerateFiles(Path.Combine(phone, "CameraRollDomain", "Media", "DCIM"), "*", SearchOption.AllDirectories))
        {
            source.Add(PhotosExporter.Domain, Path.GetRelativePath(Path.Combine(phone, "CameraRollDomain"), file).Replace('\\', '/'), File.ReadAllBytes(file));
        }

        if (brokenDatabase)
        {
            source.Add(PhotosExporter.Domain, PhotosExporter.Path, "this is not a database, just bytes long enough to look like one........................................"u8.ToArray());
        }

        var result = await ExportRunner.RunAsync(ExportKind.Photos, source, temp.Combine("out"), new ExportOptions { Format = "json" });

        var files = plan.Assets.Count + plan.Assets.Count(a => a.LivePhotoVideo is not null);
        Assert.Equal(files, result.Counts["assets"]);
        Assert.Equal(files, result.Counts["copied"]);
        Assert.Equal(1, result.Counts["fromCameraRollFiles"]);
        foreach (var asset in plan.Assets)
        {
            var exported = temp.Combine("out", "photos", asset.FileName);
            Assert.Equal(File.ReadAllBytes(Path.Combine(phone, "CameraRollDomain", asset.RelativePath)), File.ReadAllBytes(exported));
            Assert.Equal(asset.Taken.UtcDateTime, File.GetLastWriteTimeUtc(exported), TimeSpan.FromSeconds(1));
            if (asset.LivePhotoVideo is { } video)
            {
                Assert.True(File.Exists(temp.Combine("out", "photos", video)), video);
            }
        }

        using var index = JsonDocument.Parse(File.ReadAllBytes(temp.Combine("out", "photos-index.json")));
        var rows = index.RootElement.EnumerateArray().ToList();
        Assert.All(rows, r => Assert.Equal("embedded metadata", r.GetProperty("date_source").GetString()));
        Assert.Equal(2 * plan.Assets.Count(a => a.LivePhotoVideo is not null), rows.Count(r => r.GetProperty("note").ValueKind == JsonValueKind.String));
    }

    [Fact]
    public async Task RunAsync_NoMetadata_SaysTheDateIsTheFilesModificationTime()
    {
        using var temp = new TempDirectory();
        using var source = new MemoryBackupSource();
        source.Add(PhotosExporter.Domain, "Media/DCIM/100APPLE/IMG_0001.PNG", [0x89, (byte)'P', (byte)'N', (byte)'G', 1, 2, 3]);

        var result = await ExportRunner.RunAsync(ExportKind.Photos, source, temp.Combine("out"), new ExportOptions { Format = "csv" });

        Assert.Equal(1, result.Counts["copied"]);
        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G', 1, 2, 3], File.ReadAllBytes(temp.Combine("out", "photos", "IMG_0001.PNG")));
        Assert.Contains("file modification time", File.ReadAllText(temp.Combine("out", "photos-index.csv")), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_NoPhotosAtAll_NoDataException()
    {
        using var temp = new TempDirectory();
        using var source = new MemoryBackupSource();
        var ex = await Assert.ThrowsAsync<NoDataException>(() => CameraRollExporter.ExportAsync(source, temp.Combine("out"), TableFormat.Csv, "none"));
        Assert.Equal(ExportKind.Photos, ex.Kind);
        Assert.False(Directory.Exists(temp.Combine("out")));
    }

    [Fact]
    public void Read_TruncatedOrForeignBytes_Null()
    {
        Assert.Null(MediaDate.Read(new MemoryStream([0xFF, 0xD8, 0xFF, 0xE1, 0x40, 0x00, (byte)'E'])));
        Assert.Null(MediaDate.Read(new MemoryStream([0, 0, 0, 24, (byte)'f', (byte)'t', (byte)'y', (byte)'p', (byte)'h', (byte)'e', (byte)'i', (byte)'c', 0, 0, 0, 255, (byte)'m', (byte)'e', (byte)'t', (byte)'a'])));
        Assert.Null(MediaDate.Read(new MemoryStream("plain text"u8.ToArray())));
        Assert.Throws<ArgumentNullException>(() => MediaDate.Read(null!));
    }
}
