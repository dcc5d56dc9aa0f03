using System.Buffers.Binary;
using System.Runtime.InteropServices;
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
    private readonly Dictionary<string, int> _strings = new(StringComparer.Ordinal);
    private readonly HashSet<PlistNode> _onPath = new(ReferenceEqualityComparer.Instance);
    private byte[] _buffer = [];
    private int _length;

    public static byte[] Write(PlistNode root)
    {
        var writer = new BinaryPlistWriter();
        writer.Add(root, 0);
        return writer.Emit();
    }

    private int Append(PlistNode node, int[]? children)
    {
        var index = _objects.Count;
        _objects.Add(node);
        _children.Add(children);
        return index;
    }

    private int AddString(string value, PlistString? node)
    {
        ref var slot = ref CollectionsMarshal.GetValueRefOrAddDefault(_strings, value, out var exists);
        if (!exists)
        {
            slot = Append(node ?? new PlistString(value), null);
        }

        return slot;
    }

    private int Add(PlistNode node, int depth)
    {
        ArgumentNullException.ThrowIfNull(node);
        if (depth > PlistWriter.MaxDepth)
        {
            throw new ArgumentException($"The plist nests deeper than {PlistWriter.MaxDepth} levels.", nameof(node));
        }

        switch (node)
        {
            case PlistString s:
                return AddString(s.Value, s);
            case PlistArray or PlistDictionary:
                break;
            default:
                {
                    ref var slot = ref CollectionsMarshal.GetValueRefOrAddDefault(_scalars, node, out var exists);
                    if (!exists)
                    {
                        slot = Append(node, null);
                        return slot;
                    }

                    return SameScalar(_objects[slot], node) ? slot : Append(node, null);
                }
        }

        if (!_onPath.Add(node))
        {
            throw new ArgumentException("The plist contains itself (a container is its own descendant).", nameof(node));
        }

        var self = Append(node, null);
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
            var count = dict.Count;
            refs = new int[count * 2];
            var i = 0;
            foreach (var (key, value) in dict)
            {
                refs[i] = AddString(key, null);
                refs[count + i] = Add(value, depth + 1);
                i++;
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
        _buffer = new byte[Math.Max(256, count * 8)];
        Write(Magic);
        var offsets = new long[count];
        for (var i = 0; i < count; i++)
        {
            offsets[i] = _length;
            WriteObject(_objects[i], _children[i], refSize);
        }

        var tableOffset = _length;
        var offsetSize = BytesFor((ulong)tableOffset);
        Reserve((count * offsetSize) + TrailerLength);
        foreach (var offset in offsets)
        {
            WriteSized((ulong)offset, offsetSize);
        }

        var trailer = Reserve(TrailerLength);
        trailer.Clear();
        trailer[TrailerOffsetIntSize] = (byte)offsetSize;
        trailer[TrailerObjectRefSize] = (byte)refSize;
        BinaryPrimitives.WriteUInt64BigEndian(trailer[TrailerObjectCount..], (ulong)count);
        BinaryPrimitives.WriteUInt64BigEndian(trailer[TrailerTopObject..], 0);
        BinaryPrimitives.WriteUInt64BigEndian(trailer[TrailerOffsetTableOffset..], (ulong)tableOffset);
        _length += TrailerLength;
        return _buffer.AsSpan(0, _length).ToArray();
    }

    /// <summary>A writable span of <paramref name="size"/> bytes at the end of the output (not yet counted in its length).</summary>
    private Span<byte> Reserve(int size)
    {
        if (_buffer.Length - _length < size)
        {
            var wanted = Math.Max((long)_length + size, Math.Min((long)_buffer.Length * 2, Array.MaxLength));
            if (wanted > Array.MaxLength)
            {
                throw new ArgumentException("The plist is too large to encode as one binary plist.");
            }

            Array.Resize(ref _buffer, (int)wanted);
        }

        return _buffer.AsSpan(_length, size);
    }

    private void Write(ReadOnlySpan<byte> bytes)
    {
        bytes.CopyTo(Reserve(bytes.Length));
        _length += bytes.Length;
    }

    private void WriteByte(byte value)
    {
        Reserve(1)[0] = value;
        _length++;
    }

    /// <summary>1, 2, 4 or 8: the fewest bytes that hold <paramref name="value"/>.</summary>
    private static int BytesFor(ulong value) => value switch
    {
        <= byte.MaxValue => 1,
        <= ushort.MaxValue => 2,
        <= uint.MaxValue => 4,
        _ => 8,
    };

    private static int Log2Size(int size) => size switch
    {
        1 => 0,
        2 => 1,
        4 => 2,
        _ => 3,
    };

    private void WriteSized(ulong value, int size)
    {
        var span = Reserve(size);
        for (var i = size - 1; i >= 0; i--)
        {
            span[i] = (byte)value;
            value >>= 8;
        }

        _length += size;
    }

    private void WriteMarker(int type, int count)
    {
        if (count < CountFollows)
        {
            WriteByte((byte)((type << 4) | count));
            return;
        }

        WriteByte((byte)((type << 4) | CountFollows));
        WriteInteger(count);
    }

    private void WriteInteger(Int128 value)
    {
        if (value >= 0 && value <= long.MaxValue)
        {
            var size = BytesFor((ulong)value);
            WriteByte((byte)(0x10 | Log2Size(size)));
            WriteSized((ulong)value, size);
        }
        else if (value >= long.MinValue && value < 0)
        {
            WriteByte(0x13);
            BinaryPrimitives.WriteInt64BigEndian(Reserve(8), (long)value);
            _length += 8;
        }
        else
        {
            WriteByte(0x14);
            BinaryPrimitives.WriteInt128BigEndian(Reserve(16), value);
            _length += 16;
        }
    }

    private void WriteDouble(byte marker, double value)
    {
        WriteByte(marker);
        BinaryPrimitives.WriteDoubleBigEndian(Reserve(8), value);
        _length += 8;
    }

    private void WriteObject(PlistNode node, int[]? refs, int refSize)
    {
        switch (node)
        {
            case PlistNull:
                WriteByte(MarkerNull);
                break;
            case PlistBoolean b:
                WriteByte(b.Value ? MarkerTrue : MarkerFalse);
                break;
            case PlistInteger i:
                WriteInteger(i.Value);
                break;
            case PlistReal r:
                WriteDouble(0x23, r.Value);
                break;
            case PlistDate d:
                WriteDouble(MarkerDate, d.SecondsSinceAppleEpoch);
                break;
            case PlistData data:
                WriteMarker(TypeData, data.Value.Length);
                Write(data.Value);
                break;
            case PlistString str:
                if (Ascii.IsValid(str.Value))
                {
                    WriteMarker(TypeAsciiString, str.Value.Length);
                    _length += Encoding.ASCII.GetBytes(str.Value, Reserve(str.Value.Length));
                }
                else
                {
                    WriteMarker(TypeUtf16String, str.Value.Length);
                    _length += Encoding.BigEndianUnicode.GetBytes(str.Value, Reserve(str.Value.Length * 2));
                }

                break;
            case PlistUid uid:
                {
                    var size = BytesFor(uid.Value);
                    WriteByte((byte)((TypeUid << 4) | (size - 1)));
                    WriteSized(uid.Value, size);
                    break;
                }

            case PlistArray:
                WriteMarker(TypeArray, refs!.Length);
                WriteRefs(refs, refSize);
                break;
            case PlistDictionary:
                WriteMarker(TypeDictionary, refs!.Length / 2);
                WriteRefs(refs, refSize);
                break;
            default:
                throw new ArgumentException($"Unsupported plist node {node.GetType().Name}.", nameof(node));
        }
    }

    private void WriteRefs(int[] refs, int refSize)
    {
        var span = Reserve(refs.Length * refSize);
        var at = 0;
        foreach (var r in refs)
        {
            var value = (uint)r;
            for (var k = refSize - 1; k >= 0; k--)
            {
                span[at + k] = (byte)value;
                value >>= 8;
            }

            at += refSize;
        }

        _length += span.Length;
    }
}
