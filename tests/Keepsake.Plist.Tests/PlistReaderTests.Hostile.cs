using System.Buffers.Binary;
using System.Text;

namespace Keepsake.Plist.Tests;

/// <summary>Corrupt, truncated and hostile inputs: the reader must raise PlistFormatException and nothing else.</summary>
public sealed partial class PlistReaderTests
{
    private static PlistFormatException Fails(byte[] input) => Assert.Throws<PlistFormatException>(() => PlistReader.Read(input));

    private static byte[] Valid() => PlistWriter.ToBinary(SamplePlists.EveryKind());

    [Fact]
    public void Read_BadMagic_ThrowsAtZero()
    {
        var bytes = Valid();
        bytes[7] = (byte)'1';
        Assert.Equal(0, Fails(bytes).Offset);
        Assert.Equal(0, Fails("hello world, not a plist"u8.ToArray()).Offset);
        Assert.Equal(0, Fails([]).Offset);
    }

    [Fact]
    public void Read_OffsetTableOutOfRange_ThrowsAtTrailer()
    {
        var bytes = Valid();
        BinaryPrimitives.WriteUInt64BigEndian(bytes.AsSpan(bytes.Length - 8), (ulong)bytes.Length + 100);
        Assert.Equal(bytes.Length - 8, Fails(bytes).Offset);
    }

    [Fact]
    public void Read_HugeObjectCount_Throws()
    {
        var bytes = Valid();
        BinaryPrimitives.WriteUInt64BigEndian(bytes.AsSpan(bytes.Length - 24), 1UL << 60);
        Assert.Equal(bytes.Length - 24, Fails(bytes).Offset);
    }

    [Fact]
    public void Read_TopObjectOutOfRange_Throws()
    {
        var bytes = Valid();
        BinaryPrimitives.WriteUInt64BigEndian(bytes.AsSpan(bytes.Length - 16), 1UL << 40);
        Fails(bytes);
    }

    [Fact]
    public void Read_BadSizesInTrailer_Throw()
    {
        foreach (var (at, value) in new[] { (6, 0), (6, 9), (7, 0), (7, 200) })
        {
            var bytes = Valid();
            bytes[bytes.Length - 32 + at] = (byte)value;
            Fails(bytes);
        }
    }

    [Fact]
    public void Read_ObjectOffsetOutOfRange_ThrowsAtTableEntry()
    {
        var bytes = BuildBinary([[0x10, 1]]);
        var tableEntry = bytes.Length - 32 - 1;
        bytes[tableEntry] = 0xF0;
        Assert.Equal(tableEntry, Fails(bytes).Offset);
    }

    [Fact]
    public void Read_ObjectReferenceOutOfRange_Throws()
    {
        var e = Fails(BuildBinary([[0xA1, 0x09]]));
        Assert.Equal(9, e.Offset); // the reference byte right after the marker
    }

    [Fact]
    public void Read_SelfReferencingArray_Throws()
    {
        var e = Fails(BuildBinary([[0xA1, 0x00]]));
        Assert.Contains("cycle", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_IndirectCycle_Throws() =>
        Fails(BuildBinary([[0xA1, 0x01], [0xD1, 0x02, 0x00], [0x51, (byte)'k']], top: 0));

    [Fact]
    public void Read_DeepBinaryNesting_ThrowsNotStackOverflow()
    {
        const int n = 100_000;
        var objects = new List<byte[]>(n);
        for (var i = 0; i < n - 1; i++)
        {
            objects.Add([0xA1, (byte)((i + 1) >> 16), (byte)((i + 1) >> 8), (byte)(i + 1)]);
        }

        objects.Add([0x10, 1]);
        var bytes = BuildBinary(objects, refSize: 3, offsetSize: 4, top: 0);
        Assert.Contains("nested deeper", Fails(bytes).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_DeepXmlNesting_ThrowsNotStackOverflow()
    {
        const int n = 100_000;
        var xml = new StringBuilder("<plist>");
        xml.Insert(xml.Length, "<array>", n).Insert(xml.Length, "</array>", n).Append("</plist>");
        Assert.Contains("nested deeper", Fails(Encoding.UTF8.GetBytes(xml.ToString())).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_HugeDeclaredCount_ThrowsWithoutAllocating()
    {
        byte[] data = [0x4F, 0x13, 0x10, 0, 0, 0, 0, 0, 0, 0, 1, 2, 3];
        Assert.Equal(9, Fails(BuildBinary([data])).Offset);
        byte[] array = [0xAF, 0x13, 0x10, 0, 0, 0, 0, 0, 0, 0, 0];
        Fails(BuildBinary([array]));
        byte[] negative = [0x5F, 0x13, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x41];
        Fails(BuildBinary([negative]));
    }

    [Fact]
    public void Read_NonStringKey_Throws() =>
        Fails(BuildBinary([[0x10, 1], [0xD1, 0x00, 0x00]]));

    [Fact]
    public void Read_DuplicateKey_Throws() =>
        Fails(BuildBinary([[0x51, (byte)'k'], [0xD2, 0x00, 0x00, 0x00, 0x00]]));

    [Fact]
    public void Read_SharedContainerBomb_ThrowsOnBudget()
    {
        // Object 0 is an array of 200 refs to object 1, itself 200 refs to object 2: 40,000 leaves from 3 objects.
        byte[] wide(byte target) => [0xAF, 0x10, 200, .. Enumerable.Repeat(target, 200)];
        var bytes = BuildBinary([wide(1), wide(2), [0x10, 7]], offsetSize: 2, top: 0);
        var e = Fails(bytes);
        Assert.True(e.Message.Contains("too many nodes", StringComparison.Ordinal), e.Message);
    }

    [Fact]
    public void Read_ManySharedScalars_IsNotMistakenForBomb()
    {
        var array = new PlistArray();
        for (var i = 0; i < 5000; i++)
        {
            array.Add(new PlistDictionary { ["a"] = "x", ["b"] = 1L, ["c"] = true, ["d"] = "y", ["e"] = 2.5 });
        }

        Assert.Equal(array, PlistReader.Read(PlistWriter.ToBinary(array)));
    }

    [Fact]
    public void Read_XmlEntityExpansion_IsNotExpanded()
    {
        const string laughs = """
            <?xml version="1.0"?>
            <!DOCTYPE lolz [
             <!ENTITY lol "lol">
             <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
             <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
             <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
            ]>
            <plist><string>&lol4;</string></plist>
            """;
        Fails(Encoding.UTF8.GetBytes(laughs));
    }

    [Fact]
    public void Read_XmlExternalEntity_IsNotFetched()
    {
        const string xxe = """
            <?xml version="1.0"?>
            <!DOCTYPE plist [ <!ENTITY secret SYSTEM "file:///etc/passwd"> ]>
            <plist><string>&secret;</string></plist>
            """;
        Fails(Encoding.UTF8.GetBytes(xxe));
    }

    [Theory]
    [InlineData("<plist><integer>12x</integer></plist>")]
    [InlineData("<plist><integer>999999999999999999999999999999999999999999</integer></plist>")]
    [InlineData("<plist><real>abc</real></plist>")]
    [InlineData("<plist><date>yesterday</date></plist>")]
    [InlineData("<plist><data>!!!</data></plist>")]
    [InlineData("<plist><dict><string>no key</string></dict></plist>")]
    [InlineData("<plist><dict><key>a</key></dict></plist>")]
    [InlineData("<plist><dict><key>a</key><true/><key>a</key><true/></dict></plist>")]
    [InlineData("<plist><bogus/></plist>")]
    [InlineData("<plist></plist>")]
    [InlineData("<plist><true/><false/></plist>")]
    [InlineData("<plist><array><string>unclosed</array></plist>")]
    [InlineData("<plist><string><b>x</b></string></plist>")]
    public void Read_BadXml_ThrowsWithLine(string xml)
    {
        var e = Fails(Encoding.UTF8.GetBytes(xml));
        Assert.Equal(-1, e.Offset);
        Assert.Contains("line", e.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Read_TruncatedBinaryAtEveryLength_ThrowsFormatException()
    {
        var bytes = Valid();
        for (var length = 0; length < bytes.Length; length++)
        {
            var prefix = bytes[..length];
            var e = Record.Exception(() => PlistReader.Read(prefix));
            Assert.True(e is PlistFormatException, $"length {length}: {e?.GetType().Name ?? "no exception"}");
        }
    }

    [Fact]
    public void Read_TruncatedXmlAtEveryLength_ThrowsFormatException()
    {
        var bytes = PlistWriter.ToXml(SamplePlists.EveryKind());
        for (var length = 0; length < bytes.Length - 1; length += 3)
        {
            var prefix = bytes[..length];
            var e = Record.Exception(() => PlistReader.Read(prefix));
            Assert.True(e is PlistFormatException, $"length {length}: {e?.GetType().Name ?? "no exception"} {e?.Message}");
        }
    }

    [Fact]
    public void Read_RandomMutationsOfBinary_OnlyFormatExceptions()
    {
        var valid = Valid();
        var random = new Random(20240601);
        var failures = 0;
        for (var round = 0; round < 2000; round++)
        {
            var bytes = (byte[])valid.Clone();
            var edits = random.Next(1, 5);
            for (var k = 0; k < edits; k++)
            {
                var at = random.Next(bytes.Length);
                bytes[at] = random.Next(4) switch
                {
                    0 => 0xFF,
                    1 => 0x00,
                    2 => (byte)(bytes[at] ^ (1 << random.Next(8))),
                    _ => (byte)random.Next(256),
                };
            }

            try
            {
                var node = PlistReader.Read(bytes);
                PlistWriter.ToBinary(node);
            }
            catch (PlistFormatException)
            {
                failures++;
            }
        }

        Assert.True(failures > 100, $"only {failures} of 2000 mutations were rejected: the test is not reaching the checks");
    }

    [Fact]
    public void Read_RandomMutationsOfXml_OnlyFormatExceptions()
    {
        var valid = PlistWriter.ToXml(SamplePlists.EveryKind());
        var random = new Random(7);
        for (var round = 0; round < 500; round++)
        {
            var bytes = (byte[])valid.Clone();
            for (var k = 0; k < random.Next(1, 4); k++)
            {
                const string Specials = "<>/&;x\0 \"'=!?][";
                bytes[random.Next(bytes.Length)] = (byte)Specials[random.Next(Specials.Length)];
            }

            try
            {
                PlistReader.Read(bytes);
            }
            catch (PlistFormatException)
            {
            }
        }
    }

    [Fact]
    public void Decode_RandomMutationsOfArchive_OnlyFormatExceptions()
    {
        var valid = KeyedArchive.EncodeToBinary(KeyedArchiveTests.SampleMbFile());
        var random = new Random(99);
        for (var round = 0; round < 2000; round++)
        {
            var bytes = (byte[])valid.Clone();
            bytes[random.Next(8, bytes.Length)] = (byte)random.Next(256);
            try
            {
                KeyedArchive.Decode(bytes);
            }
            catch (PlistFormatException)
            {
            }
        }
    }

    [Fact]
    public void Read_ObjectCountAboveOption_Throws()
    {
        var bytes = PlistWriter.ToBinary(SamplePlists.Large(100));
        Assert.Throws<PlistFormatException>(() => PlistReader.Read(bytes, new PlistReaderOptions { MaxObjectCount = 50 }));
        var xml = PlistWriter.ToXml(SamplePlists.Large(100));
        Assert.Throws<PlistFormatException>(() => PlistReader.Read(xml, new PlistReaderOptions { MaxObjectCount = 50 }));
        Assert.Throws<PlistFormatException>(() => PlistReader.Read(xml, new PlistReaderOptions { MaxInputBytes = 100 }));
    }

    [Theory]
    [InlineData(new byte[] { 0xFE, 0xFF, 0x00, 0x00, 0x00, 0xFE, 0x9A, 0x00, 0xFE })] // UTF-16 BOM, then undecodable (found by the fuzzer)
    [InlineData(new byte[] { 0x3C, 0x00, 0x00, 0x00, 0x01, 0xDC, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x11, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00 })] // found by the fuzzer
    public void Read_XmlInAnEncodingItCannotDecode_ThrowsPlistFormatException(byte[] bytes) =>
        Assert.Throws<PlistFormatException>(() => PlistReader.Read(bytes));
}
