namespace Keepsake.Export.Notes;

/// <summary>
/// A minimal protobuf wire-format reader over a span: tags, varints, fixed 32/64-bit values and
/// length-delimited fields. Groups (wire types 3 and 4) are refused. Every length is checked
/// against the bytes left. See docs/design/exporters.md, "Notes".
/// </summary>
public ref struct ProtobufReader
{
    private readonly ReadOnlySpan<byte> _data;
    private readonly long _baseOffset;
    private int _position;

    public ProtobufReader(ReadOnlySpan<byte> data, long baseOffset = 0)
    {
        _data = data;
        _baseOffset = baseOffset;
        _position = 0;
    }

    /// <summary>Offset of the next byte, counted from the start of the outermost message.</summary>
    public readonly long Offset => _baseOffset + _position;

    /// <summary>Reads the next field's number and wire type; false at the end of the message.</summary>
    public bool TryReadTag(out int field, out int wireType)
    {
        if (_position >= _data.Length)
        {
            field = 0;
            wireType = 0;
            return false;
        }

        var start = Offset;
        var key = ReadVarint();
        field = (int)(key >> 3);
        wireType = (int)(key & 7);
        if (field <= 0 || key >> 3 > int.MaxValue)
        {
            throw new ProtobufException($"invalid field number {key >> 3}", start);
        }

        return true;
    }

    /// <summary>Reads a base-128 varint (at most 10 bytes).</summary>
    public ulong ReadVarint()
    {
        var start = Offset;
        ulong result = 0;
        for (var shift = 0; shift < 70; shift += 7)
        {
            if (_position >= _data.Length)
            {
                throw new ProtobufException("truncated varint", start);
            }

            var b = _data[_position++];
            result |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                return result;
            }
        }

        throw new ProtobufException("varint longer than 10 bytes", start);
    }

    /// <summary>Reads a length-delimited field's bytes; <paramref name="offset"/> is where they start.</summary>
    public ReadOnlySpan<byte> ReadBytes(out long offset)
    {
        var start = Offset;
        var length = ReadVarint();
        if (length > (ulong)(_data.Length - _position))
        {
            throw new ProtobufException($"length {length} is longer than the {_data.Length - _position} bytes left", start);
        }

        offset = Offset;
        var slice = _data.Slice(_position, (int)length);
        _position += (int)length;
        return slice;
    }

    /// <summary>Reads a length-delimited field as UTF-8 text.</summary>
    public string ReadString() => System.Text.Encoding.UTF8.GetString(ReadBytes(out _));

    /// <summary>Skips a field of <paramref name="wireType"/>.</summary>
    public void Skip(int wireType)
    {
        var start = Offset;
        switch (wireType)
        {
            case 0:
                ReadVarint();
                break;
            case 1:
                Advance(8, start);
                break;
            case 2:
                ReadBytes(out _);
                break;
            case 5:
                Advance(4, start);
                break;
            default:
                throw new ProtobufException($"unsupported wire type {wireType}", start);
        }
    }

    private void Advance(int count, long start)
    {
        if (count > _data.Length - _position)
        {
            throw new ProtobufException($"{count} bytes needed but only {_data.Length - _position} left", start);
        }

        _position += count;
    }
}
