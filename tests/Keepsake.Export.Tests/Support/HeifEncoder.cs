using Keepsake.TestKit;

namespace Keepsake.Export.Tests.Support;

/// <summary>Real HEIC files made in the test by libheif's encoder (heif-enc, Debian's libheif-examples, with x265).</summary>
internal static class HeifEncoder
{
    /// <summary>Encodes a PNG (see <see cref="TestMedia.Png"/>) to HEIC and returns the bytes.</summary>
    public static byte[] Encode(TempDirectory temp, byte[] png, string name = "image")
    {
        ArgumentNullException.ThrowIfNull(temp);
        var input = temp.Combine(name + ".png");
        var output = temp.Combine(name + ".heic");
        File.WriteAllBytes(input, png);
        ExternalTool.Run("heif-enc", ["-q", "80", "-o", output, input], TimeSpan.FromMinutes(2)).EnsureSuccess("heif-enc");
        var bytes = File.ReadAllBytes(output);
        Assert.Equal("ftypheic", System.Text.Encoding.ASCII.GetString(bytes, 4, 8));
        return bytes;
    }

    /// <summary>Width and height from a baseline or progressive JPEG's SOF segment (an independent check of the copy).</summary>
    public static (int Width, int Height) JpegSize(byte[] jpeg)
    {
        Assert.True(jpeg.Length > 4 && jpeg[0] == 0xFF && jpeg[1] == 0xD8, "not a JPEG (no SOI)");
        Assert.True(jpeg[^2] == 0xFF && jpeg[^1] == 0xD9, "JPEG does not end with EOI");
        var i = 2;
        while (i + 9 < jpeg.Length)
        {
            Assert.Equal(0xFF, jpeg[i]);
            var marker = jpeg[i + 1];
            var length = (jpeg[i + 2] << 8) | jpeg[i + 3];
            if (marker is 0xC0 or 0xC1 or 0xC2)
            {
                return ((jpeg[i + 7] << 8) | jpeg[i + 8], (jpeg[i + 5] << 8) | jpeg[i + 6]);
            }

            i += 2 + length;
        }

        throw new InvalidDataException("no SOF segment in the JPEG");
    }
}
