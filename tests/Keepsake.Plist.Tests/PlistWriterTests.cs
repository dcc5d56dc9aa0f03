using System.Text;

namespace Keepsake.Plist.Tests;

public sealed partial class PlistWriterTests
{
    [Fact]
    public void ToBinary_EveryKind_RoundTrips()
    {
        var original = SamplePlists.EveryKind();
        var bytes = PlistWriter.ToBinary(original);
        Assert.True(PlistReader.IsBinary(bytes));
        Assert.Equal(original, PlistReader.Read(bytes));
    }

    [Fact]
    public void ToXml_EveryKind_RoundTrips()
    {
        var original = SamplePlists.EveryKind();
        var bytes = PlistWriter.ToXml(original);
        Assert.Equal(original, PlistReader.Read(bytes));
    }

    [Fact]
    public void ToXml_Layout_MatchesApple()
    {
        var text = Encoding.UTF8.GetString(PlistWriter.ToXml(new PlistDictionary
        {
            ["a"] = new PlistArray([1L]),
            ["d"] = new DateTimeOffset(2020, 1, 2, 3, 4, 5, TimeSpan.Zero),
            ["b"] = new byte[] { 0, 1, 2 },
            ["u"] = new PlistUid(3),
        }));
        Assert.StartsWith("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!DOCTYPE plist PUBLIC \"-//Apple//DTD PLIST 1.0//EN\" \"http://www.apple.com/DTDs/PropertyList-1.0.dtd\">\n<plist version=\"1.0\">\n<dict>\n\t<key>a</key>\n\t<array>\n\t\t<integer>1</integer>\n\t</array>\n", text);
        Assert.Contains("\t<date>2020-01-02T03:04:05Z</date>\n", text);
        Assert.Contains("\t<data>AAEC</data>\n", text);
        Assert.Contains("\t<dict>\n\t\t<key>CF$UID</key>\n\t\t<integer>3</integer>\n\t</dict>\n", text);
        Assert.EndsWith("</dict>\n</plist>\n", text);
    }

    [Fact]
    public void ToBinary_Strings_AsciiAndUtf16Markers()
    {
        var ascii = PlistWriter.ToBinary("abc");
        Assert.Equal(0x53, ascii[8]);
        var utf16 = PlistWriter.ToBinary("é");
        Assert.Equal([0x61, 0x00, 0xE9], utf16[8..11]);
    }

    [Theory]
    [InlineData(0L, new byte[] { 0x10, 0x00 })]
    [InlineData(255L, new byte[] { 0x10, 0xFF })]
    [InlineData(256L, new byte[] { 0x11, 0x01, 0x00 })]
    [InlineData(65536L, new byte[] { 0x12, 0x00, 0x01, 0x00, 0x00 })]
    [InlineData(4294967296L, new byte[] { 0x13, 0, 0, 0, 1, 0, 0, 0, 0 })]
    [InlineData(-1L, new byte[] { 0x13, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF })]
    public void ToBinary_Integer_SmallestWidth(long value, byte[] expected)
    {
        var bytes = PlistWriter.ToBinary(value);
        Assert.Equal(expected, bytes[8..(8 + expected.Length)]);
    }

    [Fact]
    public void ToBinary_BeyondLong_Writes16Bytes()
    {
        var bytes = PlistWriter.ToBinary(new PlistInteger((Int128)ulong.MaxValue));
        Assert.Equal(0x14, bytes[8]);
        Assert.Equal(ulong.MaxValue, PlistReader.Read(bytes).As<PlistInteger>().ToUInt64());
    }

    [Fact]
    public void ToBinary_RepeatedStrings_AreShared()
    {
        var array = new PlistArray();
        for (var i = 0; i < 100; i++)
        {
            array.Add(new PlistDictionary { ["same key"] = "same value" });
        }

        var bytes = PlistWriter.ToBinary(array);
        Assert.Equal(1, CountOccurrences(bytes, "same value"u8));
        Assert.Equal(1, CountOccurrences(bytes, "same key"u8));
        Assert.Equal(array, PlistReader.Read(bytes));
    }

    [Fact]
    public void ToBinary_LargePlist_UsesWideRefsAndOffsets()
    {
        var original = SamplePlists.Large();
        var bytes = PlistWriter.ToBinary(original);
        Assert.True(bytes.Length > 65536);
        Assert.True(bytes[^26] >= 4, "offset int size");
        Assert.Equal(2, bytes[^25]);
        Assert.Equal(original, PlistReader.Read(bytes));
        Assert.Equal(original, PlistReader.Read(PlistWriter.ToXml(original)));
    }

    [Fact]
    public void ToXml_Null_Throws() =>
        Assert.Throws<ArgumentException>(() => PlistWriter.ToXml(new PlistArray([PlistNull.Instance])));

    [Fact]
    public void ToBinary_Null_RoundTrips() =>
        Assert.Equal(new PlistArray([PlistNull.Instance]), PlistReader.Read(PlistWriter.ToBinary(new PlistArray([PlistNull.Instance]))));

    [Fact]
    public void ToBinary_SelfContainingArray_Throws()
    {
        var array = new PlistArray();
        array.Add(array);
        Assert.Throws<ArgumentException>(() => PlistWriter.ToBinary(array));
        Assert.Throws<ArgumentException>(() => PlistWriter.ToXml(array));
    }

    [Fact]
    public void Write_Streams_MatchByteArrays()
    {
        var node = SamplePlists.EveryKind();
        using var bin = new MemoryStream();
        PlistWriter.WriteBinary(bin, node);
        Assert.Equal(PlistWriter.ToBinary(node), bin.ToArray());
        using var xml = new MemoryStream();
        PlistWriter.WriteXml(xml, node);
        Assert.Equal(PlistWriter.ToXml(node), xml.ToArray());
        Assert.Throws<ArgumentNullException>(() => PlistWriter.WriteBinary(null!, node));
        Assert.Throws<ArgumentNullException>(() => PlistWriter.ToBinary(null!));
    }

    [Fact]
    public void ToXml_ControlCharacters_RoundTrip()
    {
        var node = new PlistString("a\u0001b\rc\td\ne");
        Assert.Equal(node, PlistReader.Read(PlistWriter.ToXml(node)));
    }

    [Fact]
    public void ToBinary_NegativeZero_KeepsSign()
    {
        var node = new PlistArray([0.0, -0.0]);
        var back = PlistReader.Read(PlistWriter.ToBinary(node)).AsArray();
        Assert.True(double.IsNegative(((PlistReal)back[1]).Value));
        Assert.False(double.IsNegative(((PlistReal)back[0]).Value));
    }

    private static int CountOccurrences(byte[] haystack, ReadOnlySpan<byte> needle)
    {
        var count = 0;
        var span = haystack.AsSpan();
        int i;
        while ((i = span.IndexOf(needle)) >= 0)
        {
            count++;
            span = span[(i + needle.Length)..];
        }

        return count;
    }
}
