using System.Buffers.Binary;

namespace Keepsake.Export.Messages.TypedStream;

/// <summary>
/// Decodes the common shape of an iMessage body straight into an <see cref="AttributedBody"/>,
/// without building the generic object model: one NSAttributedString whose attribute dictionaries
/// hold NSString, NSNumber, absolute NSURL, NSData and nested NSDictionary values. It reads the stream by the
/// same rules as <see cref="TypedStreamReader"/> (shared-string and object tables, numbering, class
/// chains, references) and maps values as <see cref="TypedStreamFoundation"/> does. Whatever falls
/// outside that shape, or is malformed, makes it give up (null), and the caller decodes the blob with
/// the generic reader, which gives the result or the error. A test checks that both agree on every
/// fixture blob and on corrupted variants of them.
/// </summary>
internal ref struct AttributedBodyFastPath
{
    private const int MaxDepth = 8;

    /// <summary>Object-table entry of an object whose value is not known yet (a reference to it makes the fast path give up).</summary>
    private static readonly object Pending = new();

    private readonly ReadOnlySpan<byte> _data;
    private readonly List<string> _shared;
    private readonly List<object?> _objects;
    private int _position;

    private AttributedBodyFastPath(ReadOnlySpan<byte> data)
    {
        _data = data;
        _shared = new List<string>(16);
        _objects = new List<object?>(16);
        _position = 0;
    }

    /// <summary>The body, or null when the blob is not of the common shape (or is malformed).</summary>
    public static AttributedBody? TryDecode(ReadOnlySpan<byte> data)
    {
        var reader = new AttributedBodyFastPath(data);
        return reader.Body();
    }

    private AttributedBody? Body()
    {
        // Header: streamer version 4, "streamtyped", the system version.
        if (!Byte(out var version) || version != TypedStreamTag.StreamerVersion || !Byte(out var signatureLength) || signatureLength != TypedStreamTag.LittleEndianSignature.Length
            || _data.Length - _position < signatureLength || !_data.Slice(_position, signatureLength).SequenceEqual(TypedStreamTag.LittleEndianSignature))
        {
            return null;
        }

        _position += signatureLength;
        if (!Byte(out var head) || !Integer(head, signed: true, out _))
        {
            return null;
        }

        // One top-level group "@" holding the attributed string.
        if (!Group("@") || !Byte(out head) || head != TypedStreamTag.New)
        {
            return null;
        }

        _objects.Add(Pending); // the root object is numbered before its class chain
        if (!Byte(out head) || !Class(head, out var rootClass) || rootClass is null || !rootClass.IsKindOf("NSAttributedString"))
        {
            return null;
        }

        // Its string: a new NSString (or NIL).
        if (!Group("@") || !Byte(out head))
        {
            return null;
        }

        string text;
        if (head == TypedStreamTag.Nil)
        {
            text = string.Empty;
        }
        else if (head != TypedStreamTag.New || !Object(head, 0, out var value) || value is not string s)
        {
            return null;
        }
        else
        {
            text = s;
        }

        var builder = new AttributedRunBuilder(text);
        while (true)
        {
            if (!Byte(out head))
            {
                return null;
            }

            if (head == TypedStreamTag.End)
            {
                break;
            }

            if (!SharedString(head, out var encoding) || encoding != "iI" || !Byte(out head) || !Integer(head, signed: true, out var index)
                || !Byte(out head) || !Integer(head, signed: false, out var rawLength))
            {
                return null;
            }

            var attributes = builder.Find(index);
            if (attributes is null)
            {
                if (!Group("@") || !Byte(out head) || !Object(head, 0, out var mapped))
                {
                    return null;
                }

                attributes = mapped switch
                {
                    Dictionary<string, object?> d => d,
                    null => new Dictionary<string, object?>(),
                    _ => null,
                };
                if (attributes is null)
                {
                    return null;
                }

                builder.Define(index, attributes);
            }

            builder.Add(unchecked((ulong)rawLength), attributes);
        }

        return _position == _data.Length ? builder.Build() : null;
    }

    /// <summary>An <c>@</c> value whose head has been read: NIL, a reference to a decoded object, or a new NSString, NSNumber, NSURL or NSDictionary, mapped.</summary>
    private bool Object(byte head, int depth, out object? value)
    {
        value = null;
        if (head == TypedStreamTag.Nil)
        {
            return true;
        }

        if (head != TypedStreamTag.New)
        {
            if (!Lookup(head, out var known) || known == Pending || known is ClassEntry)
            {
                return false;
            }

            value = known is CStringEntry c ? c.Text : known; // an object reference to a C string reads as the string
            return true;
        }

        if (depth > MaxDepth)
        {
            return false;
        }

        var number = _objects.Count;
        _objects.Add(Pending);
        if (!Byte(out head) || !Class(head, out var cls) || cls is null)
        {
            return false;
        }

        // Kinds in the order TypedStreamFoundation.Map tests them; the ones left out make the fast path give up.
        bool ok;
        if (cls.IsKindOf("NSString"))
        {
            ok = String(out value);
        }
        else if (cls.IsKindOf("NSAttributedString"))
        {
            return false;
        }
        else if (cls.IsKindOf("NSDictionary"))
        {
            ok = Dictionary(depth, out value);
        }
        else if (cls.IsKindOf("NSArray") || cls.IsKindOf("NSSet"))
        {
            return false;
        }
        else if (cls.IsKindOf("NSNumber"))
        {
            ok = Number(out value);
        }
        else if (cls.IsKindOf("NSURL"))
        {
            ok = Url(depth, out value);
        }
        else if (cls.IsKindOf("NSData"))
        {
            ok = Data(out value);
        }
        else
        {
            return false;
        }

        if (!ok || !Byte(out head) || head != TypedStreamTag.End)
        {
            return false;
        }

        _objects[number] = value;
        return true;
    }

    /// <summary>NSString: one <c>+</c> group (NIL reads as empty text).</summary>
    private bool String(out object? value)
    {
        value = null;
        if (!Group("+") || !Byte(out var head))
        {
            return false;
        }

        if (head == TypedStreamTag.Nil)
        {
            value = string.Empty;
            return true;
        }

        if (!Unshared(head, out var bytes))
        {
            return false;
        }

        value = TypedStreamStrings.Get(bytes);
        return true;
    }

    /// <summary>NSDictionary: a count, then that many key and value groups (keys must be strings).</summary>
    private bool Dictionary(int depth, out object? value)
    {
        value = null;
        if (!Byte(out var head) || !SharedString(head, out var encoding) || encoding is not ("i" or "I" or "q" or "Q") || !Byte(out head)
            || !Integer(head, signed: encoding is "i" or "q", out var count) || count < 0 || count > _data.Length - _position)
        {
            return false;
        }

        var result = new Dictionary<string, object?>((int)count, StringComparer.Ordinal);
        for (var i = 0; i < count; i++)
        {
            if (!Group("@") || !Byte(out head) || !Object(head, depth + 1, out var key) || key is not string name
                || !Group("@") || !Byte(out head) || !Object(head, depth + 1, out var item))
            {
                return false;
            }

            result[name] = item;
        }

        value = result;
        return true;
    }

    /// <summary>NSNumber: a <c>*</c> type code, then one group of one value, mapped to long (or ulong beyond long) or double.</summary>
    private bool Number(out object? value)
    {
        value = null;
        if (!Group("*") || !Byte(out var head) || !CString(head) || !Byte(out head) || !SharedString(head, out var encoding) || encoding is not { Length: 1 })
        {
            return false;
        }

        switch (encoding[0])
        {
            case 'c':
                if (!Byte(out var c))
                {
                    return false;
                }

                value = TypedStreamStrings.Box((long)(sbyte)c);
                return true;
            case 'C':
                if (!Byte(out var uc))
                {
                    return false;
                }

                value = TypedStreamStrings.Box((long)uc);
                return true;
            case 'B':
                if (!Byte(out var b))
                {
                    return false;
                }

                value = TypedStreamStrings.Box(b != 0 ? 1L : 0L);
                return true;
            case 's' or 'i' or 'l' or 'q':
                if (!Byte(out head) || !Integer(head, signed: true, out var signed))
                {
                    return false;
                }

                value = TypedStreamStrings.Box(signed);
                return true;
            case 'S' or 'I' or 'L' or 'Q':
                if (!Byte(out head) || !Integer(head, signed: false, out var raw))
                {
                    return false;
                }

                var unsigned = unchecked((ulong)raw);
                value = unsigned <= long.MaxValue ? TypedStreamStrings.Box((long)unsigned) : unsigned;
                return true;
            case 'f' or 'd':
                if (!Float(encoding[0] == 'd', out var real))
                {
                    return false;
                }

                value = real;
                return true;
            default:
                return false;
        }
    }

    /// <summary>NSURL that is not relative: <c>c</c> 0, then the string; mapped to an absolute <see cref="Uri"/>, else the string.</summary>
    private bool Url(int depth, out object? value)
    {
        value = null;
        if (!Group("c") || !Byte(out var relative) || relative != 0 || !Group("@") || !Byte(out var head) || !Object(head, depth + 1, out var text) || text is not string s)
        {
            return false;
        }

        value = Uri.TryCreate(s, UriKind.Absolute, out var uri) ? uri : s;
        return true;
    }

    /// <summary>NSData: a length, then <c>[Nc]</c> of exactly that many bytes (data detectors hold a keyed archive there).</summary>
    private bool Data(out object? value)
    {
        value = null;
        if (!Byte(out var head) || !SharedString(head, out var encoding) || encoding is not ("i" or "I" or "q" or "Q") || !Byte(out head)
            || !Integer(head, signed: encoding is "i" or "q", out var length) || length < 0 || length > _data.Length - _position
            || !Byte(out head) || !SharedString(head, out var array) || !IsByteArray(array, length) || length > _data.Length - _position)
        {
            return false;
        }

        value = _data.Slice(_position, (int)length).ToArray();
        _position += (int)length;
        return true;
    }

    /// <summary>Whether <paramref name="encoding"/> is <c>[Nc]</c> or <c>[NC]</c> with N = <paramref name="length"/>.</summary>
    private static bool IsByteArray(string? encoding, long length)
    {
        if (encoding is not { Length: >= 4 } || encoding[0] != '[' || encoding[^1] != ']' || encoding[^2] is not ('c' or 'C'))
        {
            return false;
        }

        var digits = encoding.AsSpan(1, encoding.Length - 3);
        return !digits.ContainsAnyExceptInRange('0', '9')
            && int.TryParse(digits, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var count)
            && count == length;
    }

    /// <summary>A <c>*</c> value: NEW and a shared string (numbered as an object), or a reference to one; NIL gives up (the generic mapping refuses it).</summary>
    private bool CString(byte head)
    {
        if (head == TypedStreamTag.New)
        {
            if (!Byte(out head) || !SharedString(head, out var text) || text is null)
            {
                return false;
            }

            _objects.Add(new CStringEntry(text));
            return true;
        }

        // A reference must point at a C string, not at an NSString object (the generic reader refuses that).
        return head != TypedStreamTag.Nil && Lookup(head, out var known) && known is CStringEntry;
    }

    /// <summary>A class chain whose first head has been read; null for NIL.</summary>
    private bool Class(byte head, out ClassEntry? first)
    {
        first = null;
        ClassEntry? last = null;
        var chain = 0;
        while (head == TypedStreamTag.New)
        {
            if (++chain > TypedStreamReader.MaxDepth || !Byte(out head) || !SharedString(head, out var name) || name is null || !Byte(out head) || !Integer(head, signed: true, out _))
            {
                return false;
            }

            var entry = new ClassEntry(name);
            _objects.Add(entry);
            if (last is null)
            {
                first = entry;
            }
            else
            {
                last.Superclass = entry;
            }

            last = entry;
            if (!Byte(out head))
            {
                return false;
            }
        }

        ClassEntry? tail = null;
        if (head != TypedStreamTag.Nil)
        {
            if (!Lookup(head, out var known) || known is not ClassEntry cls)
            {
                return false;
            }

            tail = cls;
        }

        if (last is null)
        {
            first = tail;
        }
        else
        {
            last.Superclass = tail;
        }

        return true;
    }

    /// <summary>Reads a group head and checks that its type encoding is <paramref name="encoding"/>.</summary>
    private bool Group(string encoding) => Byte(out var head) && SharedString(head, out var actual) && actual == encoding;

    private bool SharedString(byte head, out string? value)
    {
        value = null;
        if (head == TypedStreamTag.Nil)
        {
            return true;
        }

        if (head == TypedStreamTag.New)
        {
            if (!Byte(out head) || !Unshared(head, out var bytes))
            {
                return false;
            }

            value = TypedStreamStrings.Get(bytes);
            _shared.Add(value);
            return true;
        }

        if (!Integer(head, signed: true, out var index))
        {
            return false;
        }

        index += TypedStreamTag.ReferenceBias;
        if (index < 0 || index >= _shared.Count)
        {
            return false;
        }

        value = _shared[(int)index];
        return true;
    }

    private bool Unshared(byte head, out ReadOnlySpan<byte> bytes)
    {
        bytes = default;
        if (!Integer(head, signed: false, out var length) || length < 0 || length > _data.Length - _position)
        {
            return false;
        }

        bytes = _data.Slice(_position, (int)length);
        _position += (int)length;
        return true;
    }

    private bool Lookup(byte head, out object? value)
    {
        value = null;
        if (!Integer(head, signed: true, out var index))
        {
            return false;
        }

        index += TypedStreamTag.ReferenceBias;
        if (index < 0 || index >= _objects.Count)
        {
            return false;
        }

        value = _objects[(int)index];
        return true;
    }

    private bool Float(bool isDouble, out double value)
    {
        value = 0;
        if (!Byte(out var head))
        {
            return false;
        }

        if (head == TypedStreamTag.Float)
        {
            var size = isDouble ? 8 : 4;
            if (_data.Length - _position < size)
            {
                return false;
            }

            var bytes = _data.Slice(_position, size);
            _position += size;
            value = isDouble ? BinaryPrimitives.ReadDoubleLittleEndian(bytes) : BinaryPrimitives.ReadSingleLittleEndian(bytes);
            return true;
        }

        if (!Integer(head, signed: true, out var integer))
        {
            return false;
        }

        value = integer;
        return true;
    }

    /// <summary>An encoded integer whose head has been read (see <see cref="TypedStreamReader"/>).</summary>
    private bool Integer(byte head, bool signed, out long value)
    {
        value = 0;
        switch (head)
        {
            case TypedStreamTag.Int16:
                if (_data.Length - _position < 2)
                {
                    return false;
                }

                value = signed ? BinaryPrimitives.ReadInt16LittleEndian(_data[_position..]) : BinaryPrimitives.ReadUInt16LittleEndian(_data[_position..]);
                _position += 2;
                return true;
            case TypedStreamTag.Int32:
                if (_data.Length - _position < 4)
                {
                    return false;
                }

                value = signed ? BinaryPrimitives.ReadInt32LittleEndian(_data[_position..]) : BinaryPrimitives.ReadUInt32LittleEndian(_data[_position..]);
                _position += 4;
                return true;
            case TypedStreamTag.Int64:
                if (_data.Length - _position < 8)
                {
                    return false;
                }

                value = BinaryPrimitives.ReadInt64LittleEndian(_data[_position..]);
                _position += 8;
                return true;
        }

        var literal = (sbyte)head;
        if (literal is >= TypedStreamTag.FirstTag and <= TypedStreamTag.LastTag)
        {
            return false;
        }

        value = signed ? literal : head;
        return true;
    }

    private bool Byte(out byte value)
    {
        if (_position >= _data.Length)
        {
            value = 0;
            return false;
        }

        value = _data[_position++];
        return true;
    }

    /// <summary>Object-table entry of a C string (told apart from the text of an NSString object).</summary>
    private sealed record CStringEntry(string Text);

    /// <summary>A class of the chain being read: its name and superclass.</summary>
    private sealed class ClassEntry(string name)
    {
        public string Name { get; } = name;

        public ClassEntry? Superclass { get; set; }

        public bool IsKindOf(string name)
        {
            var depth = 0;
            for (var c = this; c is not null && depth < 1000; c = c.Superclass, depth++)
            {
                if (c.Name == name)
                {
                    return true;
                }
            }

            return false;
        }
    }
}
