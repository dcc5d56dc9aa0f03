using System.Text;

namespace Keepsake.Plist.Tests;

public sealed partial class PlistReaderTests
{
    /// <summary>Builds a binary plist by hand from object bodies (the last object is the top).</summary>
    internal static byte[] BuildBinary(IReadOnlyList<byte[]> objects, int refSize = 1, int offsetSize = 1, int? top = null)
    {
        var body = new List<byte>("bplist00"u8.ToArray());
        var offsets = new List<long>();
        foreach (var o in objects)
        {
            offsets.Add(body.Count);
            body.AddRange(o);
        }

        var tableOffset = body.Count;
        foreach (var offset in offsets)
        {
            for (var i = offsetSize - 1; i >= 0; i--)
            {
                body.Add((byte)(offset >> (8 * i)));
            }
        }

        var trailer = new byte[32];
        trailer[6] = (byte)offsetSize;
        trailer[7] = (byte)refSize;
        System.Buffers.Binary.BinaryPrimitives.WriteUInt64BigEndian(trailer.AsSpan(8), (ulong)objects.Count);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt64BigEndian(trailer.AsSpan(16), (ulong)(top ?? objects.Count - 1));
        System.Buffers.Binary.BinaryPrimitives.WriteUInt64BigEndian(trailer.AsSpan(24), (ulong)tableOffset);
        body.AddRange(trailer);
        return [.. body];
    }

    private static PlistNode ReadOne(params byte[] obj) => PlistReader.Read(BuildBinary([obj]));

    [Fact]
    public void Read_BinaryScalars_DecodeEveryMarker()
    {
        Assert.Same(PlistNull.Instance, ReadOne(0x00));
        Assert.Equal(PlistBoolean.False, ReadOne(0x08));
        Assert.Equal(PlistBoolean.True, ReadOne(0x09));
        Assert.Equal(new PlistInteger(0xAB), ReadOne(0x10, 0xAB));
        Assert.Equal(new PlistInteger(0xABCD), ReadOne(0x11, 0xAB, 0xCD));
        Assert.Equal(new PlistInteger(0xFFFFFFFFL), ReadOne(0x12, 0xFF, 0xFF, 0xFF, 0xFF));
        Assert.Equal(new PlistInteger(-2), ReadOne(0x13, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFE));
        Assert.Equal(new PlistReal(1.5), ReadOne(0x22, 0x3F, 0xC0, 0x00, 0x00));
        Assert.Equal(new PlistReal(-2.0), ReadOne(0x23, 0xC0, 0, 0, 0, 0, 0, 0, 0));
        Assert.Equal(new PlistData([1, 2, 3]), ReadOne(0x43, 1, 2, 3));
        Assert.Equal(new PlistString("abc"), ReadOne(0x53, (byte)'a', (byte)'b', (byte)'c'));
        Assert.Equal(new PlistString("é😀"), ReadOne(0x63, 0x00, 0xE9, 0xD8, 0x3D, 0xDE, 0x00));
        Assert.Equal(new PlistUid(5), ReadOne(0x80, 5));
        Assert.Equal(new PlistUid(0x0102), ReadOne(0x81, 1, 2));
        Assert.Equal(new PlistUid(0x0102030405060708), ReadOne(0x87, 1, 2, 3, 4, 5, 6, 7, 8));
    }

    [Fact]
    public void Read_SixteenByteInteger_ReadsInt128()
    {
        byte[] unsignedMax = [0x14, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF];
        var node = Assert.IsType<PlistInteger>(ReadOne(unsignedMax));
        Assert.Equal(ulong.MaxValue, node.ToUInt64());

        byte[] huge = [0x14, 0x7F, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF];
        Assert.Equal(Int128.MaxValue, Assert.IsType<PlistInteger>(ReadOne(huge)).Value);

        byte[] minusOne = [0x14, .. Enumerable.Repeat((byte)0xFF, 16)];
        Assert.Equal(Int128.NegativeOne, Assert.IsType<PlistInteger>(ReadOne(minusOne)).Value);
    }

    [Fact]
    public void Read_Date_UsesAppleEpoch()
    {
        var seconds = BitConverter.GetBytes(86400.5);
        Array.Reverse(seconds);
        var date = Assert.IsType<PlistDate>(ReadOne([0x33, .. seconds]));
        Assert.Equal(new DateTimeOffset(2001, 1, 2, 0, 0, 0, 500, TimeSpan.Zero), date.Value);
    }

    [Fact]
    public void Read_LongString_UsesFollowingCount()
    {
        var text = new string('x', 300);
        byte[] obj = [0x5F, 0x11, 0x01, 0x2C, .. Encoding.ASCII.GetBytes(text)];
        Assert.Equal(text, ReadOne(obj).AsString());
    }

    [Fact]
    public void Read_ArraySetAndDictionary_ResolveReferences()
    {
        byte[][] objects =
        [
            [0x51, (byte)'k'],         // 0 "k"
            [0x10, 42],                // 1 42
            [0xA2, 0, 1],              // 2 ["k", 42]
            [0xC1, 1],                 // 3 set {42}
            [0xD3, 0, 4, 5, 1, 2, 3],  // 4 top: { k: 42, "a": [..], "s": set }  (keys 0,4,5 → but 4 is self) placeholder
        ];

        // Replace the top so that its keys are distinct strings.
        objects =
        [
            [0x51, (byte)'k'],
            [0x10, 42],
            [0xA2, 0, 1],
            [0xC1, 1],
            [0x51, (byte)'a'],
            [0x51, (byte)'s'],
            [0xD3, 0, 4, 5, 1, 2, 3],
        ];
        var dict = PlistReader.Read(BuildBinary(objects)).AsDictionary();
        Assert.Equal(["k", "a", "s"], dict.Keys);
        Assert.Equal(42, dict.GetInt64("k"));
        Assert.Equal(new PlistArray(["k", 42L]), dict["a"]);
        Assert.Equal(new PlistArray([42L]), dict["s"]);
    }

    [Fact]
    public void Read_WideReferencesAndOffsets_Work()
    {
        byte[][] objects = [[0x51, (byte)'v'], [0xA1, 0, 0]];
        var node = PlistReader.Read(BuildBinary(objects, refSize: 2, offsetSize: 8));
        Assert.Equal(new PlistArray(["v"]), node);
    }

    [Fact]
    public void Read_XmlWithBomAndWhitespace_Parses()
    {
        var xml = "\uFEFF  \n<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<plist version=\"1.0\"><dict><key>a</key><integer>-12</integer><key>b</key><data>\n\tAAEC\n\tAw==\n</data></dict></plist>";
        var dict = PlistReader.Read(Encoding.UTF8.GetBytes(xml)).AsDictionary();
        Assert.Equal(-12, dict.GetInt64("a"));
        Assert.Equal([0, 1, 2, 3], dict.GetData("b"));
    }

    [Fact]
    public void Read_XmlRealsAndUid_ParseSpecialForms()
    {
        var xml = "<plist><array><real>nan</real><real>+infinity</real><real>-inf</real><real>1e3</real>"
            + "<dict><key>CF$UID</key><integer>9</integer></dict><integer>0x10</integer><string/><true/><false/>"
            + "<integer>-170141183460469231731687303715884105727</integer></array></plist>";
        var array = PlistReader.Read(Encoding.UTF8.GetBytes(xml)).AsArray();
        Assert.True(double.IsNaN(((PlistReal)array[0]).Value));
        Assert.Equal(double.PositiveInfinity, ((PlistReal)array[1]).Value);
        Assert.Equal(double.NegativeInfinity, ((PlistReal)array[2]).Value);
        Assert.Equal(1000.0, ((PlistReal)array[3]).Value);
        Assert.Equal(new PlistUid(9), array[4]);
        Assert.Equal(new PlistInteger(16), array[5]);
        Assert.Equal(new PlistString(string.Empty), array[6]);
        Assert.Equal(PlistBoolean.True, array[7]);
        Assert.Equal(PlistBoolean.False, array[8]);
        Assert.Equal(-Int128.MaxValue, ((PlistInteger)array[9]).Value);
    }

    [Fact]
    public void Read_Stream_ReadsWholeInput()
    {
        using var stream = new MemoryStream(PlistWriter.ToBinary(SamplePlists.EveryKind()));
        Assert.Equal(SamplePlists.EveryKind(), PlistReader.Read(stream));
    }

    [Fact]
    public void Read_StreamLongerThanLimit_Throws()
    {
        using var stream = new MemoryStream(new byte[1000]);
        var e = Assert.Throws<PlistFormatException>(() => PlistReader.Read(stream, new PlistReaderOptions { MaxInputBytes = 100 }));
        Assert.Equal(100, e.Offset);
    }

    [Fact]
    public void ReadFile_WrittenFile_RoundTrips()
    {
        using var dir = new Keepsake.TestKit.TempDirectory();
        var path = dir.Combine("x.plist");
        File.WriteAllBytes(path, PlistWriter.ToXml(SamplePlists.EveryKind()));
        Assert.Equal(SamplePlists.EveryKind(), PlistReader.ReadFile(path));
    }

    [Fact]
    public void IsBinary_DetectsMagic()
    {
        Assert.True(PlistReader.IsBinary("bplist00xyz"u8));
        Assert.False(PlistReader.IsBinary("<?xml"u8));
        Assert.False(PlistReader.IsBinary("bplist"u8));
    }

    [Fact]
    public void Read_ArgumentsNull_Throw()
    {
        Assert.Throws<ArgumentNullException>(() => PlistReader.Read((Stream)null!));
        Assert.Throws<ArgumentNullException>(() => PlistReader.Read("bplist00"u8, null!));
        Assert.Throws<ArgumentException>(() => PlistReader.ReadFile(string.Empty));
    }
}
