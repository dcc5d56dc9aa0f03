using System.Buffers.Binary;
using System.Text;

namespace Keepsake.Device.Simulator.Phone.Generated;

/// <summary>
/// Writes the typedstream (NSArchiver) bytes of an iMessage <c>attributedBody</c>: an
/// NSMutableAttributedString holding an NSMutableString and its runs, each run's attributes an
/// NSDictionary of NSString keys and NSString, NSNumber or NSURL values. It follows the layout in
/// docs/design/exporters.md §1 (shared-string table, object table numbered when NEW is read, class
/// chains ending in a reference to a known class), so a body is byte-for-byte what Apple's archiver
/// writes for the same content. One instance is reused: <see cref="Encode"/> resets the tables.
/// </summary>
public sealed class TypedStreamEncoder
{
    private static readonly string[] AttributedStringChain = ["NSMutableAttributedString", "NSAttributedString", "NSObject"];
    private static readonly string[] MutableStringChain = ["NSMutableString", "NSString", "NSObject"];
    private static readonly string[] StringChain = ["NSString", "NSObject"];
    private static readonly string[] DictionaryChain = ["NSDictionary", "NSObject"];
    private static readonly string[] NumberChain = ["NSNumber", "NSValue", "NSObject"];
    private static readonly string[] UrlChain = ["NSURL", "NSObject"];

    private readonly Dictionary<string, int> _shared = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _classes = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _cStrings = new(StringComparer.Ordinal);
    private byte[] _buffer = new byte[1024];
    private int _length;
    private int _objects;

    /// <summary>One run: its text and its attributes (values: string, long, or <see cref="Uri"/>), keys in archive order.</summary>
    public readonly record struct Run(string Text, IReadOnlyList<KeyValuePair<string, object>> Attributes);

    /// <summary>Encodes an attributed string made of <paramref name="runs"/> (runs with equal attribute lists share one dictionary index).</summary>
    public byte[] Encode(IReadOnlyList<Run> runs)
    {
        _shared.Clear();
        _classes.Clear();
        _cStrings.Clear();
        _length = 0;
        _objects = 0;
        Raw(0x04, 0x0B);
        Raw("streamtyped"u8);
        Integer(1000);

        var text = string.Concat(runs.Select(r => r.Text));
        SharedString("@");
        BeginObject(AttributedStringChain);
        SharedString("@");
        BeginObject(MutableStringChain);
        SharedString("+");
        Unshared(Encoding.UTF8.GetBytes(text));
        Raw(0x86);

        var indexes = new List<IReadOnlyList<KeyValuePair<string, object>>>();
        foreach (var run in runs)
        {
            var index = indexes.FindIndex(a => SameAttributes(a, run.Attributes));
            var isNew = index < 0;
            if (isNew)
            {
                indexes.Add(run.Attributes);
                index = indexes.Count - 1;
            }

            SharedString("iI");
            Integer(index + 1);
            Integer(run.Text.Length);
            if (isNew)
            {
                SharedString("@");
                Dictionary(run.Attributes);
            }
        }

        Raw(0x86);
        return _buffer.AsSpan(0, _length).ToArray();
    }

    private static bool SameAttributes(IReadOnlyList<KeyValuePair<string, object>> a, IReadOnlyList<KeyValuePair<string, object>> b)
    {
        if (a.Count != b.Count)
        {
            return false;
        }

        for (var i = 0; i < a.Count; i++)
        {
            if (a[i].Key != b[i].Key || !Equals(a[i].Value, b[i].Value))
            {
                return false;
            }
        }

        return true;
    }

    private void Dictionary(IReadOnlyList<KeyValuePair<string, object>> attributes)
    {
        BeginObject(DictionaryChain);
        SharedString("i");
        Integer(attributes.Count);
        foreach (var (key, value) in attributes)
        {
            SharedString("@");
            StringObject(key);
            SharedString("@");
            switch (value)
            {
                case string s:
                    StringObject(s);
                    break;
                case long n:
                    NumberObject(n);
                    break;
                case Uri uri:
                    BeginObject(UrlChain);
                    SharedString("c");
                    Raw(0); // not relative
                    SharedString("@");
                    StringObject(uri.OriginalString);
                    Raw(0x86);
                    break;
                default:
                    throw new ArgumentException($"unsupported attribute value {value.GetType().Name}", nameof(attributes));
            }
        }

        Raw(0x86);
    }

    private void StringObject(string value)
    {
        BeginObject(StringChain);
        SharedString("+");
        Unshared(Encoding.UTF8.GetBytes(value));
        Raw(0x86);
    }

    private void NumberObject(long value)
    {
        var type = value is >= int.MinValue and <= int.MaxValue ? "i" : "q";
        BeginObject(NumberChain);
        SharedString("*");
        if (_cStrings.TryGetValue(type, out var known))
        {
            Reference(known);
        }
        else
        {
            Raw(0x84);
            SharedString(type);
            _cStrings[type] = _objects++;
        }

        SharedString(type);
        Integer(value);
        Raw(0x86);
    }

    /// <summary>NEW object (numbered now, before its class chain), then its class chain.</summary>
    private void BeginObject(string[] chain)
    {
        Raw(0x84);
        _objects++;
        foreach (var name in chain)
        {
            if (_classes.TryGetValue(name, out var index))
            {
                Reference(index);
                return;
            }

            Raw(0x84);
            SharedString(name);
            Integer(name.EndsWith("String", StringComparison.Ordinal) && !name.Contains("Attributed", StringComparison.Ordinal) ? 1 : 0);
            _classes[name] = _objects++;
        }

        Raw(0x85); // root class reached
    }

    private void SharedString(string value)
    {
        if (_shared.TryGetValue(value, out var index))
        {
            Reference(index);
            return;
        }

        Raw(0x84);
        Unshared(Encoding.UTF8.GetBytes(value));
        _shared[value] = _shared.Count;
    }

    private void Unshared(byte[] bytes)
    {
        Integer(bytes.Length);
        Raw(bytes);
    }

    private void Reference(int index) => Integer(index - 110);

    private void Integer(long value)
    {
        if (value is >= -110 and <= 127)
        {
            Raw(unchecked((byte)(sbyte)value));
        }
        else if (value is >= short.MinValue and <= short.MaxValue)
        {
            Raw(0x81);
            Span<byte> b = stackalloc byte[2];
            BinaryPrimitives.WriteInt16LittleEndian(b, (short)value);
            Raw(b);
        }
        else if (value is >= int.MinValue and <= int.MaxValue)
        {
            Raw(0x82);
            Span<byte> b = stackalloc byte[4];
            BinaryPrimitives.WriteInt32LittleEndian(b, (int)value);
            Raw(b);
        }
        else
        {
            Raw(0x87);
            Span<byte> b = stackalloc byte[8];
            BinaryPrimitives.WriteInt64LittleEndian(b, value);
            Raw(b);
        }
    }

    private void Raw(params ReadOnlySpan<byte> bytes)
    {
        if (_length + bytes.Length > _buffer.Length)
        {
            Array.Resize(ref _buffer, Math.Max(_buffer.Length * 2, _length + bytes.Length));
        }

        bytes.CopyTo(_buffer.AsSpan(_length));
        _length += bytes.Length;
    }
}
