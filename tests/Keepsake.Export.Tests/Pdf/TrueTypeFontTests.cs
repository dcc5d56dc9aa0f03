using Keepsake.Export.Pdf;

namespace Keepsake.Export.Tests.Pdf;

public sealed class TrueTypeFontTests
{
    private const string DejaVuSans = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";

    private static TrueTypeFont LoadDejaVu()
    {
        Assert.True(File.Exists(DejaVuSans), "DejaVu Sans is missing (Debian fonts-dejavu-core; ./test.sh installs it)");
        return TrueTypeFont.Load(DejaVuSans);
    }

    [Fact]
    public void Load_DejaVuSans_MapsCharactersAndMetrics()
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        var font = LoadDejaVu();
        Assert.Equal("DejaVuSans", font.PostScriptName);
        Assert.Equal(2048, font.UnitsPerEm);
        Assert.NotEqual(0, font.GlyphOf('A'));
        Assert.NotEqual(0, font.GlyphOf('Ж'));
        Assert.NotEqual(0, font.GlyphOf(0x1F600)); // from the format 12 subtable
        Assert.Equal(0, font.GlyphOf(0x4F60)); // no CJK in DejaVu
        Assert.InRange(font.Advance(font.GlyphOf('M')), 800, 900);
        Assert.False(font.EmbeddingRestricted);
    }

    [Fact]
    public void Subset_KeepsUsedGlyphsSameIdsAndParsesAgain()
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        var font = LoadDejaVu();
        var used = new[] { font.GlyphOf('A'), font.GlyphOf('é'), font.GlyphOf('Ж') };
        var subset = font.Subset(used);
        Assert.True(subset.Length < new FileInfo(DejaVuSans).Length / 4, $"{subset.Length} bytes");
        var again = TrueTypeFont.Parse(subset, "subset");
        Assert.Equal(font.GlyphCount, again.GlyphCount);
        Assert.Equal(font.Advance(used[2]), again.Advance(used[2]));
        Assert.Equal(font.BoundingBox, again.BoundingBox);
    }

    [Fact]
    public void Parse_BadInput_ThrowsInvalidDataWithReason()
    {
        Assert.Contains("not a TrueType", Assert.Throws<InvalidDataException>(() => TrueTypeFont.Parse([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12], "x")).Message, StringComparison.Ordinal);
        Assert.Contains("CFF", Assert.Throws<InvalidDataException>(() => TrueTypeFont.Parse("OTTO\0\0\0\0\0\0\0\0"u8.ToArray(), "x")).Message, StringComparison.Ordinal);
        Assert.Contains("collections", Assert.Throws<InvalidDataException>(() => TrueTypeFont.Parse("ttcf\0\0\0\0\0\0\0\0"u8.ToArray(), "x")).Message, StringComparison.Ordinal);
        var truncatedDirectory = new byte[] { 0, 1, 0, 0, 0, 20, 0, 0, 0, 0, 0, 0 };
        Assert.Throws<InvalidDataException>(() => TrueTypeFont.Parse(truncatedDirectory, "x"));
        if (File.Exists(DejaVuSans))
        {
            var bytes = File.ReadAllBytes(DejaVuSans)[..4096];
            Assert.Throws<InvalidDataException>(() => TrueTypeFont.Parse(bytes, "x"));
        }
    }
}
