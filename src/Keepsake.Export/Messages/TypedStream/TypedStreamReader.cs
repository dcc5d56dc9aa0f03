using System.Buffers.Binary;
using System.Text;

namespace Keepsake.Export.Messages.TypedStream;

/// <summary>
/// Decodes an NSArchiver typedstream (the format of sms.db <c>attributedBody</c>) into a generic
/// object model: top-level value groups holding <see cref="TypedStreamObject"/>s, classes and
/// primitive values. Structural: it follows the tags, the shared-string table and the object table
/// (docs/design/exporters.md, "typedstream"); it never searches for byte patterns.
/// Foundation classes are interpreted afterwards by <see cref="TypedStreamFoundation"/>.
/// </summary>
public ref struct TypedStreamReader
{
    /// <summary>Deepest nesting of objects and compound values accepted before the blob is refused.</summary>
    public const int MaxDepth = 128;

    private readonly ReadOnlySpan<byte> _data;
    private readonly List<string> _sharedStrings;
    private readonly List<object> _objects;
    private int _position;
    private int _depth;

    /// <summary>Creates a reader over a whole typedstream blob (header included).</summary>
    public TypedStreamReader(ReadOnlySpan<byte> data)
    {
        _data = data;
        _sharedStrings = new List<string>(16);
        _objects = new List<object>(16);
        _position = 0;
        _depth = 0;
    }

    /// <summary>The system version from the header (1000 for every iMessage body seen).</summary>
    public long SystemVersion { get; private set; }

    /// <summary>Current byte offset.</summary>
    public readonly int Position => _position;

    /// <summary>Decodes a whole blob: its header, then value groups until the data ends.</summary>
    /// <exception cref="TypedStreamException">The blob is malformed; the exception gives the offset.</exception>
    public static IReadOnlyList<TypedStreamGroup> ReadAll(ReadOnlySpan<byte> data)
    {
        var reader = new TypedStreamReader(data);
        reader.ReadHeader();
        var groups = new List<TypedStreamGroup>();
        while (!reader.AtEnd)
        {
            var start = reader._position;
            var head = reader.ReadHead();
            if (head == TypedStreamTag.End)
            {
                throw new TypedStreamException("END tag at the top level, outside any object", start);
            }

            groups.Add(reader.ReadGroup(head));
        }

        return groups;
    }

    /// <summary>Whether every byte has been consumed.</summary>
    public readonly bool AtEnd => _position >= _data.Length;

    /// <summary>Reads and checks the header: streamer version, signature and system version.</summary>
    public void ReadHeader()
    {
        var version = ReadRawByte();
        if (version != TypedStreamTag.StreamerVersion)
        {
            throw new TypedStreamException($"streamer version {version} is not supported (expected {TypedStreamTag.StreamerVersion})", 0);
        }

        var signatureLength = ReadRawByte();
        var signature = ReadBytes(signatureLength);
        if (!signature.SequenceEqual(TypedStreamTag.LittleEndianSignature))
        {
            if (signature.SequenceEqual(TypedStreamTag.BigEndianSignature))
            {
                throw new TypedStreamException("big-endian typedstreams are not supported", 2);
            }

            throw new TypedStreamException($"signature '{Encoding.ASCII.GetString(signature)}' is not 'streamtyped'", 2);
        }

        SystemVersion = ReadInteger(ReadHead(), signed: true);
    }

    /// <summary>Reads one value group whose first head byte has already been read.</summary>
    public TypedStreamGroup ReadGroup(byte head)
    {
        var start = _position - 1;
        var encoding = ReadSharedString(head) ?? throw new TypedStreamException("a value group has a nil type encoding", start);
        var types = TypedStreamStrings.Split(encoding, start);
        var values = new object?[types.Length];
        for (var i = 0; i < types.Length; i++)
        {
            values[i] = ReadValue(types[i]);
        }

        return new TypedStreamGroup(encoding, values);
    }

    /// <summary>Reads one head byte.</summary>
    public byte ReadHead() => ReadRawByte();

    /// <summary>Splits a type encoding into single types, keeping <c>[..]</c> and <c>{..}</c> whole.</summary>
    internal static List<string> SplitEncoding(string encoding, long offset)
    {
        var result = new List<string>();
        var i = 0;
        while (i < encoding.Length)
        {
            var start = i;
            var open = encoding[i];
            if (open is '[' or '{' or '(')
            {
                var depth = 0;
                do
                {
                    var ch = encoding[i];
                    if (ch is '[' or '{' or '(')
                    {
                        depth++;
                    }
                    else if (ch is ']' or '}' or ')')
                    {
                        depth--;
                    }

                    i++;
                }
                while (depth > 0 && i < encoding.Length);
                if (depth != 0)
                {
                    throw new TypedStreamException($"unbalanced type encoding '{encoding}'", offset);
                }
            }
            else
            {
                i++;
            }

            result.Add(encoding[start..i]);
        }

        if (result.Count == 0)
        {
            throw new TypedStreamException("empty type encoding", offset);
        }

        return result;
    }

    private object? ReadValue(string type)
    {
        var start = _position;
        if (type.Length > 1)
        {
            return type[0] switch
            {
                '[' => ReadArray(type, start),
                '{' => ReadStruct(type, start),
                _ => throw new TypedStreamException($"unsupported type encoding '{type}'", start),
            };
        }

        switch (type[0])
        {
            case 'c':
                return TypedStreamStrings.Box((long)(sbyte)ReadRawByte());
            case 'C':
                return TypedStreamStrings.Box((ulong)ReadRawByte());
            case 'B':
                return ReadRawByte() != 0;
            case 's' or 'i' or 'l' or 'q':
                return TypedStreamStrings.Box(ReadInteger(ReadHead(), signed: true));
            case 'S' or 'I' or 'L' or 'Q':
                return TypedStreamStrings.Box(unchecked((ulong)ReadInteger(ReadHead(), signed: false)));
            case 'f' or 'd':
                return ReadFloat(type[0] == 'd');
            case '+':
                {
                    var head = ReadHead();
                    return head == TypedStreamTag.Nil ? null : ReadUnsharedBytes(head).ToArray();
                }

            case '*':
                return ReadCString();
            case '%' or ':':
                return ReadSharedString(ReadHead());
            case '#':
                return ReadClass(ReadHead());
            case '@':
                return ReadObject(ReadHead());
            case '!':
                return null;
            default:
                throw new TypedStreamException($"unknown type code '{type}'", start);
        }
    }

    private object?[] ReadStruct(string type, int start)
    {
        var eq = type.IndexOf('=', StringComparison.Ordinal);
        if (eq < 0 || type[^1] != '}')
        {
            throw new TypedStreamException($"malformed struct encoding '{type}'", start);
        }

        var fields = TypedStreamStrings.Split(type[(eq + 1)..^1], start);
        Enter(start);
        var values = new object?[fields.Length];
        for (var i = 0; i < fields.Length; i++)
        {
            values[i] = ReadValue(fields[i]);
        }

        _depth--;
        return values;
    }

    private object ReadArray(string type, int start)
    {
        var i = 1;
        while (i < type.Length && char.IsAsciiDigit(type[i]))
        {
            i++;
        }

        if (i == 1 || type[^1] != ']' || !int.TryParse(type.AsSpan(1, i - 1), out var count))
        {
            throw new TypedStreamException($"malformed array encoding '{type}'", start);
        }

        var element = type[i..^1];
        if (count > _data.Length - _position)
        {
            throw new TypedStreamException($"array of {count} elements is longer than the {_data.Length - _position} bytes left", start);
        }

        if (element is "c" or "C")
        {
            return ReadBytes(count).ToArray();
        }

        var elementType = SplitEncoding(element, start);
        if (elementType.Count != 1)
        {
            throw new TypedStreamException($"malformed array element type '{element}'", start);
        }

        Enter(start);
        var values = new object?[count];
        for (var k = 0; k < count; k++)
        {
            values[k] = ReadValue(elementType[0]);
        }

        _depth--;
        return values;
    }

    private string? ReadCString()
    {
        var start = _position;
        var head = ReadHead();
        if (head == TypedStreamTag.Nil)
        {
            return null;
        }

        if (head == TypedStreamTag.New)
        {
            var text = ReadSharedString(ReadHead()) ?? throw new TypedStreamException("a C string holds a nil shared string", start);
            _objects.Add(text);
            return text;
        }

        return LookupObject(head, start) as string
            ?? throw new TypedStreamException("a C string reference points at something that is not a C string", start);
    }

    private TypedStreamClass? ReadClass(byte head)
    {
        var start = _position - 1;
        TypedStreamClass? first = null;
        TypedStreamClass? last = null;
        var chain = 0;
        while (head == TypedStreamTag.New)
        {
            if (++chain > MaxDepth)
            {
                throw new TypedStreamException("class chain is too long", start);
            }

            var nameOffset = _position;
            var name = ReadSharedString(ReadHead()) ?? throw new TypedStreamException("a class has a nil name", nameOffset);
            var version = ReadInteger(ReadHead(), signed: true);
            var cls = new TypedStreamClass(name, version);
            _objects.Add(cls);
            if (last is null)
            {
                first = cls;
            }
            else
            {
                last.Superclass = cls;
            }

            last = cls;
            head = ReadHead();
        }

        TypedStreamClass? tail;
        if (head == TypedStreamTag.Nil)
        {
            tail = null;
        }
        else
        {
            var refOffset = _position - 1;
            tail = LookupObject(head, refOffset) as TypedStreamClass
                ?? throw new TypedStreamException("a class reference points at something that is not a class", refOffset);
        }

        if (last is null)
        {
            return tail;
        }

        last.Superclass = tail;
        return first;
    }

    private object? ReadObject(byte head)
    {
        var start = _position - 1;
        if (head == TypedStreamTag.Nil)
        {
            return null;
        }

        if (head != TypedStreamTag.New)
        {
            return LookupObject(head, start);
        }

        Enter(start);
        var obj = new TypedStreamObject(start);
        _objects.Add(obj); // numbered before its class chain
        obj.Class = ReadClass(ReadHead()) ?? throw new TypedStreamException("an object has a nil class", start);
        while (true)
        {
            if (AtEnd)
            {
                throw new TypedStreamException($"the data ends inside a {obj.Class.Name} object that started at offset {start} (no END tag)", _position);
            }

            var next = ReadHead();
            if (next == TypedStreamTag.End)
            {
                break;
            }

            obj.Add(ReadGroup(next));
        }

        _depth--;
        return obj;
    }

    private object LookupObject(byte head, int start)
    {
        var index = ReadInteger(head, signed: true) + TypedStreamTag.ReferenceBias;
        if (index < 0 || index >= _objects.Count)
        {
            throw new TypedStreamException($"object reference {index} is outside the object table ({_objects.Count} entries)", start);
        }

        return _objects[(int)index];
    }

    private string? ReadSharedString(byte head)
    {
        var start = _position - 1;
        if (head == TypedStreamTag.Nil)
        {
            return null;
        }

        if (head == TypedStreamTag.New)
        {
            var bytes = ReadUnsharedBytes(ReadHead());
            var text = TypedStreamStrings.Get(bytes);
            _sharedStrings.Add(text);
            return text;
        }

        var index = ReadInteger(head, signed: true) + TypedStreamTag.ReferenceBias;
        if (index < 0 || index >= _sharedStrings.Count)
        {
            throw new TypedStreamException($"shared string reference {index} is outside the string table ({_sharedStrings.Count} entries)", start);
        }

        return _sharedStrings[(int)index];
    }

    private ReadOnlySpan<byte> ReadUnsharedBytes(byte head)
    {
        var start = _position - 1;
        var length = ReadInteger(head, signed: false);
        if (length < 0 || length > _data.Length - _position)
        {
            throw new TypedStreamException($"string length {length} is longer than the {_data.Length - _position} bytes left", start);
        }

        return ReadBytes((int)length);
    }

    private double ReadFloat(bool isDouble)
    {
        var head = ReadHead();
        if (head == TypedStreamTag.Float)
        {
            return isDouble
                ? BinaryPrimitives.ReadDoubleLittleEndian(ReadBytes(8))
                : BinaryPrimitives.ReadSingleLittleEndian(ReadBytes(4));
        }

        return ReadInteger(head, signed: true);
    }

    /// <summary>Reads an encoded integer whose head byte has been read.</summary>
    private long ReadInteger(byte head, bool signed)
    {
        var start = _position - 1;
        switch (head)
        {
            case TypedStreamTag.Int16:
                {
                    var b = ReadBytes(2);
                    return signed ? BinaryPrimitives.ReadInt16LittleEndian(b) : BinaryPrimitives.ReadUInt16LittleEndian(b);
                }

            case TypedStreamTag.Int32:
                {
                    var b = ReadBytes(4);
                    return signed ? BinaryPrimitives.ReadInt32LittleEndian(b) : BinaryPrimitives.ReadUInt32LittleEndian(b);
                }

            case TypedStreamTag.Int64:
                return BinaryPrimitives.ReadInt64LittleEndian(ReadBytes(8));
        }

        var value = (sbyte)head;
        if (value is >= TypedStreamTag.FirstTag and <= TypedStreamTag.LastTag)
        {
            throw new TypedStreamException($"expected an integer, found tag 0x{head:X2}", start);
        }

        return signed ? value : head;
    }

    private void Enter(int offset)
    {
        if (++_depth > MaxDepth)
        {
            throw new TypedStreamException($"nesting deeper than {MaxDepth} levels", offset);
        }
    }

    private byte ReadRawByte()
    {
        if (_position >= _data.Length)
        {
            throw new TypedStreamException("unexpected end of data", _position);
        }

        return _data[_position++];
    }

    private ReadOnlySpan<byte> ReadBytes(int count)
    {
        if (count < 0 || count > _data.Length - _position)
        {
            throw new TypedStreamException($"{count} bytes needed but only {_data.Length - _position} left", _position);
        }

        var slice = _data.Slice(_position, count);
        _position += count;
        return slice;
    }
}
