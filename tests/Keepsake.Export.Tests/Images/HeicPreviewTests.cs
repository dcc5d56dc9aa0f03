using Keepsake.Export.Images;
using Keepsake.Export.Messages;
using Keepsake.Export.Tests.Support;
using Keepsake.Primitives;
using Keepsake.TestKit;

namespace Keepsake.Export.Tests.Images;

/// <summary>HEIC display copies, from HEIC files made by libheif's own encoder (heif-enc).</summary>
public sealed class HeicPreviewTests
{
    [ToolFact("heif-enc")]
    public void TryWrite_RealHeic_WritesJpegOfTheSameSize()
    {
        using var temp = new TempDirectory();
        File.WriteAllBytes(temp.Combine("IMG_0001.HEIC"), HeifEncoder.Encode(temp, TestMedia.Png(160, 120, 200, 60, 20)));
        Assert.Null(HeicPreview.TryWrite(temp.Combine("IMG_0001.HEIC"), temp.Combine("IMG_0001.HEIC.jpg")));
        Assert.Equal((160, 120), HeifEncoder.JpegSize(File.ReadAllBytes(temp.Combine("IMG_0001.HEIC.jpg"))));
        Assert.False(File.Exists(temp.Combine("IMG_0001.HEIC.jpg.partial")));
    }

    [ToolFact("heif-enc")]
    public void TryWrite_LargeHeic_ScaledToMaxDimensionKeepingAspect()
    {
        using var temp = new TempDirectory();
        File.WriteAllBytes(temp.Combine("wide.heic"), HeifEncoder.Encode(temp, TestMedia.Png(3000, 1000, 10, 120, 200)));
        Assert.Null(HeicPreview.TryWrite(temp.Combine("wide.heic"), temp.Combine("wide.jpg")));
        var (width, height) = HeifEncoder.JpegSize(File.ReadAllBytes(temp.Combine("wide.jpg")));
        Assert.Equal(HeicPreview.MaxDimension, width);
        Assert.InRange(height, 682, 683);
    }

    [ToolFact("heif-enc")]
    public void TryWrite_TruncatedHeic_ReturnsReasonAndLeavesNoFile()
    {
        using var temp = new TempDirectory();
        var heic = HeifEncoder.Encode(temp, TestMedia.Png(64, 48, 0, 0, 0));
        File.WriteAllBytes(temp.Combine("broken.heic"), heic[..(heic.Length / 2)]);
        var reason = HeicPreview.TryWrite(temp.Combine("broken.heic"), temp.Combine("broken.jpg"));
        Assert.NotNull(reason);
        Assert.StartsWith("could not be converted for display", reason, StringComparison.Ordinal);
        Assert.DoesNotContain(Path.GetTempPath(), reason, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFiles(temp.Path, "broken.jpg*"));
    }

    [Fact]
    public void Add_NotHeic_LeavesAttachmentAlone()
    {
        using var temp = new TempDirectory();
        var attachment = new MessageAttachment { RowId = 1, MimeType = "image/png", ExportedPath = "a.png" };
        HeicPreview.Add(new SafePath(temp.Path), attachment);
        Assert.Null(attachment.PreviewPath);
        Assert.Null(attachment.PreviewNote);
        Assert.True(HeicPreview.IsHeic(new MessageAttachment { RowId = 2, Uti = "public.heic" }));
        Assert.True(HeicPreview.IsHeic(new MessageAttachment { RowId = 3, TransferName = "IMG_1.HEIF" }));
        Assert.Throws<ArgumentNullException>(() => HeicPreview.Add(null!, attachment));
    }
}
