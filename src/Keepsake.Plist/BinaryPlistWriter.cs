using System.Buffers.Binary;
using System.Text;
using static Keepsake.Plist.BinaryPlistLayout;

namespace Keepsake.Plist;

/// <summary>
/// Flattens a tree into the object table of a binary plist, sharing equal scalar values (strings,
/// keys, numbers, data, dates, UIDs) as Apple's writer does, then emits objects, offset table and trailer.
/// </summary>
internal sealed class BinaryPlistWriter
{
    private readonly List<PlistNode> _objects = [];
    private readonly List<int[]?> _children = [];
    private readonly Dictionary<PlistNode, int> _scalars = [];
    private readonly HashSet<PlistNode> _onPath = new(ReferenceEqualityComparer.Instance);

    public static byte[] Write(PlistNode root)
    {
        var writer = new BinaryPlistWriter();
        writer.Add(root, 0);
        return writer.Emit();
    }

    private int Add(PlistNode node, int depth)
    {
        ArgumentNullException.ThrowIfNull(node);
        if (depth > PlistWriter.MaxDepth)
        {
            throw new ArgumentException($"The plist nests deeper than {PlistWriter.MaxDepth} levels.", nameof(node));
        }

        if (node is not PlistArray and not PlistDictionary)
        {
            if (_scalars.TryGetValue(node, out var existing) && existing >= 0 && _objects[existing].Kind == node.Kind && SameScalar(_objects[existing], node))
            {
                return existing;
            }

            var index = _objects.Count;
            _objects.Add(node);
            _children.Add(null);
            _scalars.TryAdd(node, index);
            return index;
        }

        if (!_onPath.Add(node))
        {
            throw new ArgumentException("The plist contains itself (a container is its own descendant).", nameof(node));
        }

        var self = _objects.Count;
        _objects.Add(node);
        _children.Add(null);
        int[] refs;
        if (node is PlistArray array)
        {
            refs = new int[array.Count];
            for (var i = 0; i < array.Count; i++)
            {
                refs[i] = Add(array[i], depth + 1);
            }
        }
        else
        {
            var dict = (PlistDictionary)node;
            refs = new int[dict.Count * 2];
            var i = 0;
            foreach (var (key, _) in dict)
            {
                refs[i++] = Add(new PlistString(key), depth + 1);
            }

            foreach (var (_, value) in dict)
            {
                refs[i++] = Add(value, depth + 1);
            }
        }

        _children[self] = refs;
        _onPath.Remove(node);
        return self;
    }

    /// <summary>
    /// PlistDate equality is to the second and PlistReal equality treats 0.0 and -0.0 as equal;
    /// sharing needs the exact same value, so those two kinds are compared exactly.
    /// </summary>
    private static bool SameScalar(PlistNode a, PlistNode b) => a switch
    {
        PlistDate d => d.Value == ((PlistDate)b).Value,
        PlistReal r => BitConverter.DoubleToInt64Bits(r.Value) == BitConverter.DoubleToInt64Bits(((PlistReal)b).Value),
        _ => true,
    };

    private byte[] Emit()
    {
        var count = _objects.Count;
        var refSize = BytesFor((ulong)count - 1);
        using var body = new MemoryStream();
        body.Write(Magic);
        var offsets = new long[count];
        for (var i = 0; i < count; i++)
        {
            offsets[i] = body.Position;
            WriteObject(body, _objects[i], _children[i], refSize);
        }

        var tableOffset = body.Position;
        var offsetSize = BytesFor((ulong)tableOffset);
        Span<byte> buffer = stackalloc byte[8];
        foreach (var offset in offsets)
        {
            WriteSized(body, (ulong)offset, offsetSize, buffer);
        }

        Span<byte> trailer = stackalloc byte[TrailerLength];
        trailer.Clear();
        trailer[TrailerOffsetIntSize] = (byte)offsetSize;
        trailer[TrailerObjectRefSize] = (byte)refSize;
        BinaryPrimitives.WriteUInt64BigEndian(trailer[TrailerObjectCount..], (ulong)count);
        BinaryPrimitives.WriteUInt64BigEndian(trailer[TrailerTopObject..], 0);
        BinaryPrimitives.WriteUInt64BigEndian(trailer[TrailerOffsetTableOffset..], (ulong)tableOffset);
        body.Write(trailer);
        return body.ToArray();
    }

    /// <summary>1, 2, 4 or 8: the fewest bytes that hold <paramref name="value"/>.</summary>
    private static int BytesFor(ulong value) => value switch
    {
        <= byte.MaxValue => 1,
        <= ushort.MaxValue => 2,
        <= uint.MaxValue => 4,
        _ => 8,
    };

    private static void WriteSized(Stream s, ulong value, int size, Span<byte> buffer)
    {
        BinaryPrimitives.WriteUInt64BigEndian(buffer, value);
        s.Write(buffer[(8 - size)..8]);
    }

    private static void WriteMarker(Stream s, int type, int count)
    {
        if (count < CountFollows)
        {
            s.WriteByte((byte)((type << 4) | count));
            return;
        }

        s.WriteByte((byte)((type << 4) | CountFollows));
        WriteInteger(s, count);
    }

    private static void WriteInteger(Stream s, Int128 value)
    {
        Span<byte> buffer = stackalloc byte[16];
        if (value < 0 || value > long.MaxValue)
        {
            if (value >= long.MinValue && value < 0)
            {
                s.WriteByte(0x13);
                BinaryPrimitives.WriteInt64BigEndian(buffer, (long)value);
                s.Write(buffer[..8]);
            }
            else
            {
                s.WriteByte(0x14);
                BinaryPrimitives.WriteInt128BigEndian(buffer, value);
                s.Write(buffer);
            }

            return;
        }

        var size = BytesFor((ulong)value);
        s.WriteByte((byte)(0x10 | Log2Size(size)));
        WriteSized(s, (ulong)value, size, buffer);
    }

    private static int Log2Size(int size) => size switch
    {
        1 => 0,
        2 => 1,
        4 => 2,
        _ => 3,
    };

    private static void WriteObject(Stream s, PlistNode node, int[]? refs, int refSize)
    {
        Span<byte> buffer = stackalloc byte[16];
        switch (node)
        {
            case PlistNull:
                s.WriteByte(MarkerNull);
                break;
            case PlistBoolean b:
                s.WriteByte(b.Value ? MarkerTrue : MarkerFalse);
                break;
            case PlistInteger i:
                WriteInteger(s, i.Value);
                break;
            case PlistReal r:
                s.WriteByte(0x23);
                BinaryPrimitives.WriteDoubleBigEndian(buffer, r.Value);
                s.Write(buffer[..8]);
                break;
            case PlistDate d:
                s.WriteByte(MarkerDate);
                BinaryPrimitives.WriteDoubleBigEndian(buffer, d.SecondsSinceAppleEpoch);
                s.Write(buffer[..8]);
                break;
            case PlistData data:
                WriteMarker(s, TypeData, data.Value.Length);
                s.Write(data.Value);
                break;
            case PlistString str:
                if (Ascii.IsValid(str.Value))
                {
                    WriteMarker(s, TypeAsciiString, str.Value.Length);
                    s.Write(Encoding.ASCII.GetBytes(str.Value));
                }
                else
                {
                    WriteMarker(s, TypeUtf16String, str.Value.Length);
                    s.Write(Encoding.BigEndianUnicode.GetBytes(str.Value));
                }

                break;
            case PlistUid uid:
                {
                    var size = BytesFor(uid.Value);
                    s.WriteByte((byte)((TypeUid << 4) | (size - 1)));
                    WriteSized(s, uid.Value, size, buffer);
                    break;
                }

            case PlistArray:
                WriteMarker(s, TypeArray, refs!.Length);
                WriteRefs(s, refs, refSize, buffer);
                break;
            case PlistDictionary:
                WriteMarker(s, TypeDictionary, refs!.Length / 2);
                WriteRefs(s, refs, refSize, buffer);
                break;
            default:
                throw new ArgumentException($"Unsupported plist node {node.GetType().Name}.", nameof(node));
        }
    }

    private static void WriteRefs(Stream s, int[] refs, int refSize, Span<byte> buffer)
    {
        foreach (var r in refs)
        {
            WriteSized(s, (ulong)r, refSize, buffer);
        }
    }
}
