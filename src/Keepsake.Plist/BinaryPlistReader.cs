using System.Buffers.Binary;
using System.Text;
using static Keepsake.Plist.BinaryPlistLayout;

namespace Keepsake.Plist;

/// <summary>
/// Parses a <c>bplist00</c> document (layout in docs/design/plist.md). Every length, offset and
/// reference is checked against the input before use; errors carry the byte offset.
/// </summary>
internal ref struct BinaryPlistReader
{
    private readonly ReadOnlySpan<byte> _data;
    private readonly PlistReaderOptions _options;
    private int _offsetIntSize;
    private int _objectRefSize;
    private int _objectCount;
    private int _offsetTableOffset;
    private PlistNode?[] _leafCache;
    private bool[] _onPath;
    private long _budget;

    public BinaryPlistReader(ReadOnlySpan<byte> data, PlistReaderOptions options)
    {
        _data = data;
        _options = options;
        _leafCache = [];
        _onPath = [];
    }

    public PlistNode Read()
    {
        if (_data.Length < HeaderLength + TrailerLength + 1)
        {
            throw new PlistFormatException($"A binary plist needs at least {HeaderLength + TrailerLength + 1} bytes; this one has {_data.Length}.", 0);
        }

        if (!_data[..HeaderLength].SequenceEqual(Magic))
        {
            throw new PlistFormatException("The input does not start with 'bplist00'.", 0);
        }

        var trailerStart = _data.Length - TrailerLength;
        var trailer = _data[trailerStart..];
        _offsetIntSize = trailer[TrailerOffsetIntSize];
        _objectRefSize = trailer[TrailerObjectRefSize];
        var objectCount = BinaryPrimitives.ReadUInt64BigEndian(trailer[TrailerObjectCount..]);
        var topObject = BinaryPrimitives.ReadUInt64BigEndian(trailer[TrailerTopObject..]);
        var offsetTableOffset = BinaryPrimitives.ReadUInt64BigEndian(trailer[TrailerOffsetTableOffset..]);

        if (_offsetIntSize is < 1 or > 8)
        {
            throw new PlistFormatException($"The trailer's offset size {_offsetIntSize} is not 1 to 8.", trailerStart + TrailerOffsetIntSize);
        }

        if (_objectRefSize is < 1 or > 8)
        {
            throw new PlistFormatException($"The trailer's object reference size {_objectRefSize} is not 1 to 8.", trailerStart + TrailerObjectRefSize);
        }

        if (objectCount == 0 || objectCount > (ulong)_options.MaxObjectCount)
        {
            throw new PlistFormatException($"The trailer declares {objectCount} objects (allowed: 1 to {_options.MaxObjectCount}).", trailerStart + TrailerObjectCount);
        }

        if (topObject >= objectCount)
        {
            throw new PlistFormatException($"The top object {topObject} is outside the {objectCount} objects.", trailerStart + TrailerTopObject);
        }

        if (offsetTableOffset < HeaderLength || offsetTableOffset >= (ulong)trailerStart
            || objectCount * (ulong)_offsetIntSize > (ulong)trailerStart - offsetTableOffset)
        {
            throw new PlistFormatException($"The offset table ({objectCount} entries of {_offsetIntSize} bytes at {offsetTableOffset}) does not fit between the header and the trailer.", trailerStart + TrailerOffsetTableOffset);
        }

        if (_objectRefSize < 8 && objectCount > 1UL << (8 * _objectRefSize))
        {
            throw new PlistFormatException($"{objectCount} objects cannot be addressed with {_objectRefSize}-byte references.", trailerStart + TrailerObjectRefSize);
        }

        _objectCount = (int)objectCount;
        _offsetTableOffset = (int)offsetTableOffset;
        _leafCache = new PlistNode?[_objectCount];
        _onPath = new bool[_objectCount];
        _budget = _data.Length + 1024L;
        return ReadObject((int)topObject, 0);
    }

    private readonly int ObjectOffset(int index)
    {
        var at = _offsetTableOffset + (index * _offsetIntSize);
        var offset = ReadUnsigned(_data.Slice(at, _offsetIntSize));
        if (offset < HeaderLength || offset >= (ulong)_offsetTableOffset)
        {
            throw new PlistFormatException($"Object {index} has offset {offset}, outside the object area [{HeaderLength}, {_offsetTableOffset}).", at);
        }

        return (int)offset;
    }

    private static ulong ReadUnsigned(ReadOnlySpan<byte> bytes)
    {
        ulong value = 0;
        foreach (var b in bytes)
        {
            value = (value << 8) | b;
        }

        return value;
    }

    private PlistNode ReadObject(int index, int depth)
    {
        if (_leafCache[index] is { } cached)
        {
            return cached;
        }

        var offset = ObjectOffset(index);
        var marker = _data[offset];
        var type = marker >> 4;
        var info = marker & 0xF;

        switch (type)
        {
            case TypeArray:
            case TypeSet:
            case TypeDictionary:
                return ReadContainer(index, offset, type, info, depth);
            default:
                var leaf = ReadLeaf(offset, marker, type, info);
                _leafCache[index] = leaf;
                return leaf;
        }
    }

    /// <summary>
    /// Charges the references of one container as it is materialised. Without shared containers the
    /// total is at most the input length (every reference takes at least one byte), so the budget of
    /// input length + 1,024 only trips when a few containers are re-read over and over.
    /// </summary>
    private void Spend(long references, long offset)
    {
        _budget -= references;
        if (_budget < 0)
        {
            throw new PlistFormatException("The plist references its containers so many times that reading it would materialise too many nodes.", offset);
        }
    }

    private readonly PlistNode ReadLeaf(int offset, byte marker, int type, int info)
    {
        switch (type)
        {
            case TypeSimple:
                return marker switch
                {
                    MarkerNull => PlistNull.Instance,
                    MarkerFalse => PlistBoolean.False,
                    MarkerTrue => PlistBoolean.True,
                    _ => throw new PlistFormatException($"Unknown marker 0x{marker:X2}.", offset),
                };
            case TypeInteger:
                return new PlistInteger(ReadInteger(offset, info));
            case TypeReal:
                {
                    var bytes = Payload(offset, 1, info switch
                    {
                        2 => 4,
                        3 => 8,
                        _ => throw new PlistFormatException($"A real of 2^{info} bytes is not supported (only 4 and 8).", offset),
                    });
                    return new PlistReal(bytes.Length == 4 ? BinaryPrimitives.ReadSingleBigEndian(bytes) : BinaryPrimitives.ReadDoubleBigEndian(bytes));
                }

            case TypeDate:
                {
                    if (marker != MarkerDate)
                    {
                        throw new PlistFormatException($"A date must have marker 0x33, not 0x{marker:X2}.", offset);
                    }

                    var seconds = BinaryPrimitives.ReadDoubleBigEndian(Payload(offset, 1, 8));
                    if (!PlistDate.IsRepresentable(seconds))
                    {
                        throw new PlistFormatException($"The date {seconds} seconds since 2001 is out of range.", offset);
                    }

                    return PlistDate.FromAppleSeconds(seconds);
                }

            case TypeData:
                {
                    var (count, start) = ReadCount(offset, info);
                    return new PlistData(Payload(offset, start - offset, count).ToArray());
                }

            case TypeAsciiString:
                {
                    var (count, start) = ReadCount(offset, info);
                    return new PlistString(Encoding.Latin1.GetString(Payload(offset, start - offset, count)));
                }

            case TypeUtf16String:
                {
                    var (count, start) = ReadCount(offset, info);
                    return new PlistString(Encoding.BigEndianUnicode.GetString(Payload(offset, start - offset, count * 2L)));
                }

            case TypeUid:
                {
                    var bytes = Payload(offset, 1, info + 1);
                    if (bytes.Length > 8 && bytes[..^8].IndexOfAnyExcept((byte)0) >= 0)
                    {
                        throw new PlistFormatException("A UID does not fit in 64 bits.", offset);
                    }

                    return new PlistUid(ReadUnsigned(bytes.Length > 8 ? bytes[^8..] : bytes));
                }

            default:
                throw new PlistFormatException($"Unknown marker 0x{marker:X2}.", offset);
        }
    }

    /// <summary>The <paramref name="length"/> bytes at <paramref name="offset"/> + <paramref name="skip"/>, which must end before the offset table.</summary>
    private readonly ReadOnlySpan<byte> Payload(int offset, int skip, long length)
    {
        var start = (long)offset + skip;
        if (length < 0 || start + length > _offsetTableOffset)
        {
            throw new PlistFormatException($"The object's {length} bytes run past the end of the object area at {_offsetTableOffset}.", offset);
        }

        return _data.Slice((int)start, (int)length);
    }

    private readonly Int128 ReadInteger(int offset, int info)
    {
        if (info > 4)
        {
            throw new PlistFormatException($"An integer of 2^{info} bytes is not supported (only 1, 2, 4, 8 and 16).", offset);
        }

        var bytes = Payload(offset, 1, 1 << info);
        return bytes.Length switch
        {
            1 => bytes[0],
            2 => BinaryPrimitives.ReadUInt16BigEndian(bytes),
            4 => BinaryPrimitives.ReadUInt32BigEndian(bytes),
            8 => BinaryPrimitives.ReadInt64BigEndian(bytes),
            _ => BinaryPrimitives.ReadInt128BigEndian(bytes),
        };
    }

    /// <summary>The element count of a data, string or container object, and where its payload starts.</summary>
    private readonly (int Count, int Start) ReadCount(int offset, int info)
    {
        if (info != CountFollows)
        {
            return (info, offset + 1);
        }

        var intOffset = offset + 1;
        if (intOffset >= _offsetTableOffset || _data[intOffset] >> 4 != TypeInteger)
        {
            throw new PlistFormatException("A count marker 0xF is not followed by an integer.", intOffset);
        }

        var intInfo = _data[intOffset] & 0xF;
        var value = ReadInteger(intOffset, intInfo);
        var start = intOffset + 1 + (1 << intInfo);
        if (value < 0 || value > _offsetTableOffset - start)
        {
            throw new PlistFormatException($"The declared count {value} is larger than the rest of the object area.", intOffset);
        }

        return ((int)value, start);
    }

    private PlistNode ReadContainer(int index, int offset, int type, int info, int depth)
    {
        if (depth >= _options.MaxDepth || !System.Runtime.CompilerServices.RuntimeHelpers.TryEnsureSufficientExecutionStack())
        {
            throw new PlistFormatException($"Containers are nested deeper than {_options.MaxDepth} (or than the stack allows).", offset);
        }

        if (_onPath[index])
        {
            throw new PlistFormatException($"Object {index} contains itself (a reference cycle).", offset);
        }

        var (count, start) = ReadCount(offset, info);
        var refCount = type == TypeDictionary ? 2L * count : count;
        var refs = Payload(offset, start - offset, refCount * _objectRefSize);
        Spend(refCount, offset);
        _onPath[index] = true;
        PlistNode result;
        if (type == TypeDictionary)
        {
            var dict = new PlistDictionary();
            for (var i = 0; i < count; i++)
            {
                var keyRefAt = start + (i * _objectRefSize);
                var key = ReadObject(Ref(refs, i, keyRefAt), depth + 1);
                if (key is not PlistString keyString)
                {
                    throw new PlistFormatException($"Dictionary key {i} is a {key.Kind}, not a string.", keyRefAt);
                }

                var valueRefAt = start + ((count + i) * _objectRefSize);
                var value = ReadObject(Ref(refs, count + i, valueRefAt), depth + 1);
                if (!dict.TryAdd(keyString.Value, value))
                {
                    throw new PlistFormatException($"Dictionary key '{keyString.Value}' appears twice.", keyRefAt);
                }
            }

            result = dict;
        }
        else
        {
            var array = new PlistArray(count);
            for (var i = 0; i < count; i++)
            {
                var refAt = start + (i * _objectRefSize);
                array.Add(ReadObject(Ref(refs, i, refAt), depth + 1));
            }

            result = array;
        }

        _onPath[index] = false;
        return result;
    }

    private readonly int Ref(ReadOnlySpan<byte> refs, int i, int at)
    {
        var value = ReadUnsigned(refs.Slice(i * _objectRefSize, _objectRefSize));
        if (value >= (ulong)_objectCount)
        {
            throw new PlistFormatException($"Object reference {value} is outside the {_objectCount} objects.", at);
        }

        return (int)value;
    }
}
