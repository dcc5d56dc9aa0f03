using System.Buffers.Binary;
using System.Text;

namespace Keepsake.Export.Pdf;

/// <summary>
/// The parts of a TrueType (glyf-outline) font file that embedding in a PDF needs: the character →
/// glyph map (cmap format 4 or 12), advance widths (hmtx), metrics (head, hhea, OS/2), and a subset
/// holding only the glyphs used (glyf/loca rewritten, glyph ids unchanged). Tables per the OpenType
/// specification; see docs/design/exporters.md, "PDF". Bad or unsupported files raise
/// <see cref="InvalidDataException"/> (CFF outlines and collections are not supported).
/// </summary>
internal sealed class TrueTypeFont
{
    private const int MaxFontBytes = 64 << 20;

    private static readonly string[] SubsetTables = ["OS/2", "cvt ", "fpgm", "glyf", "head", "hhea", "hmtx", "loca", "maxp", "prep"];

    private readonly byte[] _data;
    private readonly Dictionary<string, (int Offset, int Length)> _tables = new(StringComparer.Ordinal);
    private readonly Dictionary<int, ushort> _cmap = [];
    private readonly ushort[] _advances;
    private readonly int[] _loca;

    private TrueTypeFont(byte[] data, string fallbackName)
    {
        _data = data;
        ReadDirectory();
        var head = Table("head");
        UnitsPerEm = BinaryPrimitives.ReadUInt16BigEndian(head.Slice(18));
        if (UnitsPerEm is < 16 or > 16384)
        {
            throw new InvalidDataException($"head.unitsPerEm {UnitsPerEm} is out of range");
        }

        BoundingBox = [Scale(I16(head, 36)), Scale(I16(head, 38)), Scale(I16(head, 40)), Scale(I16(head, 42))];
        var longLoca = I16(head, 50) == 1;
        GlyphCount = BinaryPrimitives.ReadUInt16BigEndian(Table("maxp").Slice(4));
        var hhea = Table("hhea");
        Ascent = Scale(I16(hhea, 4));
        Descent = Scale(I16(hhea, 6));
        var metrics = BinaryPrimitives.ReadUInt16BigEndian(hhea.Slice(34));
        var hmtx = Table("hmtx");
        if (metrics == 0 || metrics > GlyphCount || hmtx.Length < metrics * 4)
        {
            throw new InvalidDataException("hmtx is shorter than hhea.numberOfHMetrics");
        }

        _advances = new ushort[GlyphCount];
        for (var g = 0; g < GlyphCount; g++)
        {
            _advances[g] = BinaryPrimitives.ReadUInt16BigEndian(hmtx.Slice(Math.Min(g, metrics - 1) * 4));
        }

        var loca = Table("loca");
        _loca = new int[GlyphCount + 1];
        var glyfLength = _tables["glyf"].Length;
        for (var g = 0; g <= GlyphCount; g++)
        {
            var offset = longLoca ? (long)BinaryPrimitives.ReadUInt32BigEndian(loca.Slice(g * 4)) : BinaryPrimitives.ReadUInt16BigEndian(loca.Slice(g * 2)) * 2L;
            if (offset > glyfLength || (g > 0 && offset < _loca[g - 1]))
            {
                throw new InvalidDataException($"loca entry {g} points outside glyf");
            }

            _loca[g] = (int)offset;
        }

        if (_tables.ContainsKey("OS/2"))
        {
            var os2 = Table("OS/2");
            EmbeddingRestricted = (BinaryPrimitives.ReadUInt16BigEndian(os2.Slice(8)) & 0x000F) == 0x0002;
            CapHeight = os2.Length >= 90 ? Scale(I16(os2, 88)) : Ascent;
        }
        else
        {
            CapHeight = Ascent;
        }

        IsFixedPitch = _tables.ContainsKey("post") && BinaryPrimitives.ReadUInt32BigEndian(Table("post").Slice(12)) != 0;
        ReadCmap();
        PostScriptName = ReadPostScriptName() ?? fallbackName;
    }

    /// <summary>The font's PostScript name (name ID 6), letters and digits only.</summary>
    public string PostScriptName { get; }

    public int UnitsPerEm { get; }

    public int GlyphCount { get; }

    /// <summary>xMin, yMin, xMax, yMax in 1/1000 em.</summary>
    public int[] BoundingBox { get; }

    public int Ascent { get; }

    public int Descent { get; }

    public int CapHeight { get; }

    public bool IsFixedPitch { get; }

    /// <summary>OS/2 fsType says "restricted licence embedding": the font must not be embedded.</summary>
    public bool EmbeddingRestricted { get; }

    /// <summary>Reads a .ttf file (whole, at most 64 MiB).</summary>
    public static TrueTypeFont Load(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var length = new FileInfo(path).Length;
        if (length > MaxFontBytes)
        {
            throw new InvalidDataException($"{path}: font file larger than {MaxFontBytes} bytes");
        }

        return Parse(File.ReadAllBytes(path), Path.GetFileNameWithoutExtension(path));
    }

    /// <summary>Parses font bytes; <paramref name="fallbackName"/> names it when it has no PostScript name.</summary>
    public static TrueTypeFont Parse(byte[] data, string fallbackName)
    {
        ArgumentNullException.ThrowIfNull(data);
        try
        {
            return new TrueTypeFont(data, new string([.. fallbackName.Where(char.IsAsciiLetterOrDigit)]));
        }
        catch (ArgumentOutOfRangeException ex)
        {
            throw new InvalidDataException("font table shorter than its fields", ex);
        }
    }

    /// <summary>The glyph for a code point, or 0 (.notdef) when the font has none.</summary>
    public ushort GlyphOf(int codePoint) => _cmap.GetValueOrDefault(codePoint);

    /// <summary>Advance width of a glyph in 1/1000 em.</summary>
    public int Advance(ushort glyph) => Scale(_advances[glyph < _advances.Length ? glyph : 0]);

    /// <summary>
    /// A TrueType file with the same glyph ids in which only <paramref name="glyphs"/> (plus .notdef and
    /// the components of composite glyphs) keep their outlines. A PDF maps codes to glyph ids itself
    /// (Identity), so the subset carries an empty cmap, a glyph-name-free post (format 3) and no names.
    /// </summary>
    public byte[] Subset(IEnumerable<ushort> glyphs)
    {
        ArgumentNullException.ThrowIfNull(glyphs);
        var keep = new SortedSet<ushort>();
        var pending = new Stack<ushort>(glyphs.Where(g => g < GlyphCount).Append((ushort)0));
        var glyf = Table("glyf");
        while (pending.Count > 0)
        {
            var g = pending.Pop();
            if (!keep.Add(g))
            {
                continue;
            }

            foreach (var component in Components(glyf.Slice(_loca[g], _loca[g + 1] - _loca[g])))
            {
                if (component < GlyphCount && !keep.Contains(component))
                {
                    pending.Push(component);
                }
            }
        }

        var newGlyf = new MemoryStream();
        var newLoca = new byte[(GlyphCount + 1) * 4];
        for (var g = 0; g < GlyphCount; g++)
        {
            BinaryPrimitives.WriteUInt32BigEndian(newLoca.AsSpan(g * 4), (uint)newGlyf.Length);
            if (keep.Contains((ushort)g))
            {
                newGlyf.Write(glyf.Slice(_loca[g], _loca[g + 1] - _loca[g]));
                while (newGlyf.Length % 4 != 0)
                {
                    newGlyf.WriteByte(0);
                }
            }
        }

        BinaryPrimitives.WriteUInt32BigEndian(newLoca.AsSpan(GlyphCount * 4), (uint)newGlyf.Length);
        var head = Table("head").ToArray();
        BinaryPrimitives.WriteUInt32BigEndian(head.AsSpan(8), 0); // checkSumAdjustment: readers ignore it
        BinaryPrimitives.WriteInt16BigEndian(head.AsSpan(50), 1); // indexToLocFormat: long offsets
        var tables = new SortedDictionary<string, byte[]>(StringComparer.Ordinal)
        {
            ["cmap"] = EmptyCmap(),
            ["post"] = Post3(),
        };
        foreach (var tag in SubsetTables)
        {
            if (_tables.ContainsKey(tag))
            {
                tables[tag] = tag switch
                {
                    "glyf" => newGlyf.ToArray(),
                    "loca" => newLoca,
                    "head" => head,
                    _ => Table(tag).ToArray(),
                };
            }
        }

        return WriteFont(tables);
    }

    /// <summary>A cmap with one (3,1) format 4 subtable holding only the required final segment.</summary>
    private static byte[] EmptyCmap()
    {
        var cmap = new byte[12 + 24];
        BinaryPrimitives.WriteUInt16BigEndian(cmap.AsSpan(2), 1); // one subtable
        BinaryPrimitives.WriteUInt16BigEndian(cmap.AsSpan(4), 3); // platform Windows
        BinaryPrimitives.WriteUInt16BigEndian(cmap.AsSpan(6), 1); // Unicode BMP
        BinaryPrimitives.WriteUInt32BigEndian(cmap.AsSpan(8), 12);
        var sub = cmap.AsSpan(12);
        BinaryPrimitives.WriteUInt16BigEndian(sub, 4); // format
        BinaryPrimitives.WriteUInt16BigEndian(sub.Slice(2), 24); // length
        BinaryPrimitives.WriteUInt16BigEndian(sub.Slice(6), 2); // segCountX2
        BinaryPrimitives.WriteUInt16BigEndian(sub.Slice(8), 2); // searchRange
        BinaryPrimitives.WriteUInt16BigEndian(sub.Slice(14), 0xFFFF); // endCode
        BinaryPrimitives.WriteUInt16BigEndian(sub.Slice(18), 0xFFFF); // startCode
        BinaryPrimitives.WriteUInt16BigEndian(sub.Slice(20), 1); // idDelta
        return cmap;
    }

    /// <summary>post format 3 (no glyph names), keeping italic angle, underline and fixed pitch.</summary>
    private byte[] Post3()
    {
        var post = new byte[32];
        if (_tables.TryGetValue("post", out var table) && table.Length >= 32)
        {
            Table("post")[..32].CopyTo(post);
        }

        BinaryPrimitives.WriteUInt32BigEndian(post, 0x00030000);
        return post;
    }

    private static byte[] WriteFont(SortedDictionary<string, byte[]> tables)
    {
        var count = tables.Count;
        var power = 1;
        var log = 0;
        while (power * 2 <= count)
        {
            power *= 2;
            log++;
        }

        var headerLength = 12 + (16 * count);
        var output = new byte[headerLength + tables.Values.Sum(t => (t.Length + 3) & ~3)];
        BinaryPrimitives.WriteUInt32BigEndian(output, 0x00010000);
        BinaryPrimitives.WriteUInt16BigEndian(output.AsSpan(4), (ushort)count);
        BinaryPrimitives.WriteUInt16BigEndian(output.AsSpan(6), (ushort)(power * 16));
        BinaryPrimitives.WriteUInt16BigEndian(output.AsSpan(8), (ushort)log);
        BinaryPrimitives.WriteUInt16BigEndian(output.AsSpan(10), (ushort)((count * 16) - (power * 16)));
        var record = 12;
        var offset = headerLength;
        foreach (var (tag, bytes) in tables)
        {
            Encoding.ASCII.GetBytes(tag).CopyTo(output, record);
            BinaryPrimitives.WriteUInt32BigEndian(output.AsSpan(record + 4), Checksum(bytes));
            BinaryPrimitives.WriteUInt32BigEndian(output.AsSpan(record + 8), (uint)offset);
            BinaryPrimitives.WriteUInt32BigEndian(output.AsSpan(record + 12), (uint)bytes.Length);
            bytes.CopyTo(output, offset);
            offset += (bytes.Length + 3) & ~3;
            record += 16;
        }

        return output;
    }

    private static uint Checksum(byte[] table)
    {
        uint sum = 0;
        for (var i = 0; i < table.Length; i += 4)
        {
            uint word = 0;
            for (var k = 0; k < 4; k++)
            {
                word = (word << 8) | (i + k < table.Length ? table[i + k] : 0u);
            }

            sum = unchecked(sum + word);
        }

        return sum;
    }

    /// <summary>The glyph ids a composite glyph refers to (none for a simple glyph).</summary>
    private static List<ushort> Components(ReadOnlySpan<byte> glyph)
    {
        var result = new List<ushort>();
        if (glyph.Length < 10 || BinaryPrimitives.ReadInt16BigEndian(glyph) >= 0)
        {
            return result;
        }

        var at = 10;
        while (at + 4 <= glyph.Length && result.Count < 1000)
        {
            var flags = BinaryPrimitives.ReadUInt16BigEndian(glyph.Slice(at));
            result.Add(BinaryPrimitives.ReadUInt16BigEndian(glyph.Slice(at + 2)));
            at += 4 + ((flags & 0x0001) != 0 ? 4 : 2);
            at += (flags & 0x0008) != 0 ? 2 : (flags & 0x0040) != 0 ? 4 : (flags & 0x0080) != 0 ? 8 : 0;
            if ((flags & 0x0020) == 0)
            {
                break;
            }
        }

        return result;
    }

    private static int I16(ReadOnlySpan<byte> table, int offset) => BinaryPrimitives.ReadInt16BigEndian(table.Slice(offset));

    private int Scale(int units) => (int)Math.Round(units * 1000.0 / UnitsPerEm);

    private ReadOnlySpan<byte> Table(string tag) =>
        _tables.TryGetValue(tag, out var t) ? _data.AsSpan(t.Offset, t.Length) : throw new InvalidDataException($"font has no '{tag}' table");

    private void ReadDirectory()
    {
        if (_data.Length < 12)
        {
            throw new InvalidDataException("font file shorter than its header");
        }

        var version = BinaryPrimitives.ReadUInt32BigEndian(_data);
        if (version is not (0x00010000 or 0x74727565))
        {
            throw new InvalidDataException(version == 0x4F54544F ? "CFF-outline (OpenType 'OTTO') fonts are not supported" : version == 0x74746366 ? "font collections (.ttc) are not supported" : "not a TrueType font");
        }

        var count = BinaryPrimitives.ReadUInt16BigEndian(_data.AsSpan(4));
        if (12 + (count * 16) > _data.Length)
        {
            throw new InvalidDataException("table directory runs past the end of the font");
        }

        for (var i = 0; i < count; i++)
        {
            var record = _data.AsSpan(12 + (i * 16), 16);
            var tag = Encoding.ASCII.GetString(record[..4]);
            var offset = BinaryPrimitives.ReadUInt32BigEndian(record.Slice(8));
            var length = BinaryPrimitives.ReadUInt32BigEndian(record.Slice(12));
            if (offset + (ulong)length > (ulong)_data.Length)
            {
                throw new InvalidDataException($"table '{tag}' runs past the end of the font");
            }

            _tables[tag] = ((int)offset, (int)length);
        }

        foreach (var required in new[] { "head", "hhea", "hmtx", "maxp", "loca", "glyf", "cmap" })
        {
            if (!_tables.ContainsKey(required))
            {
                throw new InvalidDataException($"font has no '{required}' table (only TrueType outlines are supported)");
            }
        }
    }

    private void ReadCmap()
    {
        var cmap = Table("cmap");
        var count = BinaryPrimitives.ReadUInt16BigEndian(cmap.Slice(2));
        int best = -1, bestRank = 0;
        for (var i = 0; i < count; i++)
        {
            var platform = BinaryPrimitives.ReadUInt16BigEndian(cmap.Slice(4 + (i * 8)));
            var encoding = BinaryPrimitives.ReadUInt16BigEndian(cmap.Slice(6 + (i * 8)));
            var offset = (int)BinaryPrimitives.ReadUInt32BigEndian(cmap.Slice(8 + (i * 8)));
            var format = BinaryPrimitives.ReadUInt16BigEndian(cmap.Slice(offset));
            var rank = (platform, encoding, format) switch
            {
                (3, 10, 12) => 4,
                (0, 4 or 6, 12) => 3,
                (3, 1, 4) => 2,
                (0, _, 4) => 1,
                _ => 0,
            };
            if (rank > bestRank)
            {
                (best, bestRank) = (offset, rank);
            }
        }

        if (best < 0)
        {
            throw new InvalidDataException("font has no Unicode cmap (format 4 or 12)");
        }

        var sub = cmap.Slice(best);
        if (BinaryPrimitives.ReadUInt16BigEndian(sub) == 12)
        {
            var groups = BinaryPrimitives.ReadUInt32BigEndian(sub.Slice(12));
            for (var i = 0; i < groups; i++)
            {
                var group = sub.Slice(16 + (i * 12), 12);
                var start = BinaryPrimitives.ReadUInt32BigEndian(group);
                var end = Math.Min(BinaryPrimitives.ReadUInt32BigEndian(group.Slice(4)), 0x10FFFF);
                var glyph = BinaryPrimitives.ReadUInt32BigEndian(group.Slice(8));
                for (var c = start; c <= end && end - start < 0x110000; c++)
                {
                    var g = glyph + (c - start);
                    if (g < GlyphCount)
                    {
                        _cmap[(int)c] = (ushort)g;
                    }
                }
            }

            return;
        }

        var segments = BinaryPrimitives.ReadUInt16BigEndian(sub.Slice(6)) / 2;
        var ends = sub.Slice(14);
        var starts = sub.Slice(16 + (segments * 2));
        var deltas = sub.Slice(16 + (segments * 4));
        var rangeOffsets = sub.Slice(16 + (segments * 6));
        for (var s = 0; s < segments; s++)
        {
            int end = BinaryPrimitives.ReadUInt16BigEndian(ends.Slice(s * 2));
            int start = BinaryPrimitives.ReadUInt16BigEndian(starts.Slice(s * 2));
            var delta = BinaryPrimitives.ReadInt16BigEndian(deltas.Slice(s * 2));
            int rangeOffset = BinaryPrimitives.ReadUInt16BigEndian(rangeOffsets.Slice(s * 2));
            for (var c = start; c <= end && c != 0xFFFF; c++)
            {
                int glyph;
                if (rangeOffset == 0)
                {
                    glyph = (c + delta) & 0xFFFF;
                }
                else
                {
                    var at = (s * 2) + rangeOffset + ((c - start) * 2);
                    glyph = BinaryPrimitives.ReadUInt16BigEndian(rangeOffsets.Slice(at));
                    glyph = glyph == 0 ? 0 : (glyph + delta) & 0xFFFF;
                }

                if (glyph != 0 && glyph < GlyphCount)
                {
                    _cmap[c] = (ushort)glyph;
                }
            }
        }
    }

    private string? ReadPostScriptName()
    {
        if (!_tables.ContainsKey("name"))
        {
            return null;
        }

        var name = Table("name");
        var count = BinaryPrimitives.ReadUInt16BigEndian(name.Slice(2));
        var storage = BinaryPrimitives.ReadUInt16BigEndian(name.Slice(4));
        for (var i = 0; i < count; i++)
        {
            var record = name.Slice(6 + (i * 12), 12);
            var platform = BinaryPrimitives.ReadUInt16BigEndian(record);
            var id = BinaryPrimitives.ReadUInt16BigEndian(record.Slice(6));
            var length = BinaryPrimitives.ReadUInt16BigEndian(record.Slice(8));
            var offset = BinaryPrimitives.ReadUInt16BigEndian(record.Slice(10));
            if (id != 6)
            {
                continue;
            }

            var bytes = name.Slice(storage + offset, length);
            var text = platform is 0 or 3 ? Encoding.BigEndianUnicode.GetString(bytes) : Encoding.Latin1.GetString(bytes);
            var clean = new string([.. text.Where(c => char.IsAsciiLetterOrDigit(c) || c == '-')]);
            if (clean.Length > 0)
            {
                return clean;
            }
        }

        return null;
    }
}
