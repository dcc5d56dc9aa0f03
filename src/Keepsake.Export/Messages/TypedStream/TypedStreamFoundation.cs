using System.Text;

namespace Keepsake.Export.Messages.TypedStream;

/// <summary>
/// Interprets the generic typedstream model for the Foundation classes found in iMessage bodies
/// (docs/design/exporters.md, "Foundation layouts"). Values map to .NET as: NSString → <see cref="string"/>,
/// NSAttributedString → <see cref="AttributedBody"/>, NSDictionary → <see cref="IReadOnlyDictionary{TKey,TValue}"/>
/// of string keys, NSArray/NSSet → <see cref="IReadOnlyList{T}"/>, NSNumber → <see cref="long"/>,
/// <see cref="ulong"/> or <see cref="double"/>, NSURL → <see cref="Uri"/> (or the string when it is no
/// valid URI), NSData → <see cref="byte"/>[], NSDate → <see cref="DateTimeOffset"/>. Other classes
/// stay <see cref="TypedStreamObject"/>.
/// </summary>
public static class TypedStreamFoundation
{
    /// <summary>Deepest nesting of Foundation containers that is mapped.</summary>
    public const int MaxDepth = 64;

    private static readonly DateTimeOffset AppleEpoch = new(2001, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>Maps a decoded value (object, string, number...) to its .NET form.</summary>
    public static object? ToValue(object? value) => Map(value, 0);

    /// <summary>The text of an NSString or NSMutableString object.</summary>
    public static string ToText(TypedStreamObject value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (!value.IsKindOf("NSString"))
        {
            throw new TypedStreamException($"expected an NSString, found {value.Class?.Name}", value.Offset);
        }

        var group = FirstGroup(value, "+");
        return group.Values[0] is byte[] bytes ? TypedStreamStrings.Get(bytes) : string.Empty;
    }

    internal static object? Map(object? value, int depth)
    {
        if (value is not TypedStreamObject obj)
        {
            return value;
        }

        if (depth > MaxDepth)
        {
            throw new TypedStreamException($"Foundation values nested deeper than {MaxDepth} levels", obj.Offset);
        }

        if (obj.IsKindOf("NSString"))
        {
            return ToText(obj);
        }

        if (obj.IsKindOf("NSAttributedString"))
        {
            return AttributedBodyDecoder.FromObject(obj, depth + 1);
        }

        if (obj.IsKindOf("NSDictionary"))
        {
            return MapDictionary(obj, depth);
        }

        if (obj.IsKindOf("NSArray") || obj.IsKindOf("NSSet"))
        {
            return MapArray(obj, depth);
        }

        if (obj.IsKindOf("NSNumber"))
        {
            return MapNumber(obj);
        }

        if (obj.IsKindOf("NSURL"))
        {
            return MapUrl(obj, depth);
        }

        if (obj.IsKindOf("NSData"))
        {
            return MapData(obj);
        }

        if (obj.IsKindOf("NSDate"))
        {
            var group = FirstGroup(obj, "d");
            return AppleEpoch.AddSeconds(Convert.ToDouble(group.Values[0], System.Globalization.CultureInfo.InvariantCulture));
        }

        return obj;
    }

    private static Dictionary<string, object?> MapDictionary(TypedStreamObject obj, int depth)
    {
        var count = CountOf(obj);
        if (obj.Groups.Count != 1 + (2 * count))
        {
            throw new TypedStreamException($"{obj.Class?.Name} announces {count} entries but holds {(obj.Groups.Count - 1) / 2}", obj.Offset);
        }

        var result = new Dictionary<string, object?>(StringComparer.Ordinal);
        for (var i = 0; i < count; i++)
        {
            var key = Map(obj.Groups[1 + (2 * i)].Values[0], depth + 1);
            var value = Map(obj.Groups[2 + (2 * i)].Values[0], depth + 1);
            result[key?.ToString() ?? string.Empty] = value;
        }

        return result;
    }

    private static List<object?> MapArray(TypedStreamObject obj, int depth)
    {
        var count = CountOf(obj);
        var items = new List<object?>();
        for (var i = 1; i < obj.Groups.Count; i++)
        {
            foreach (var v in obj.Groups[i].Values)
            {
                items.Add(Map(v, depth + 1));
            }
        }

        if (items.Count != count)
        {
            throw new TypedStreamException($"{obj.Class?.Name} announces {count} items but holds {items.Count}", obj.Offset);
        }

        return items;
    }

    private static object MapNumber(TypedStreamObject obj)
    {
        if (obj.Groups.Count < 2 || obj.Groups[0].Values[0] is not string)
        {
            throw new TypedStreamException("NSNumber without its type code and value", obj.Offset);
        }

        return obj.Groups[1].Values[0] switch
        {
            long l => (object)l,
            ulong u => u <= long.MaxValue ? (long)u : (object)u,
            double d => (object)d,
            bool b => (object)(b ? 1L : 0L),
            _ => throw new TypedStreamException($"NSNumber of unsupported type '{obj.Groups[1].Encoding}'", obj.Offset),
        };
    }

    private static object MapUrl(TypedStreamObject obj, int depth)
    {
        if (obj.Groups.Count < 2)
        {
            throw new TypedStreamException("NSURL without its relative flag and string", obj.Offset);
        }

        var isRelative = obj.Groups[0].Values[0] is long flag && flag != 0;
        object? baseUrl = null;
        var index = 1;
        if (isRelative)
        {
            baseUrl = Map(obj.Groups[1].Values[0], depth + 1);
            index = 2;
        }

        if (obj.Groups.Count <= index || Map(obj.Groups[index].Values[0], depth + 1) is not string text)
        {
            throw new TypedStreamException("NSURL without its string", obj.Offset);
        }

        if (baseUrl is Uri { IsAbsoluteUri: true } baseUri && Uri.TryCreate(baseUri, text, out var combined))
        {
            return combined;
        }

        return Uri.TryCreate(text, UriKind.Absolute, out var uri) ? uri : text;
    }

    private static byte[] MapData(TypedStreamObject obj)
    {
        var length = CountOf(obj);
        if (obj.Groups.Count < 2 || obj.Groups[1].Values[0] is not byte[] bytes || bytes.Length != length)
        {
            throw new TypedStreamException($"NSData of {length} bytes without matching content", obj.Offset);
        }

        return bytes;
    }

    private static long CountOf(TypedStreamObject obj)
    {
        if (obj.Groups.Count == 0 || obj.Groups[0].Values.Count != 1)
        {
            throw new TypedStreamException($"{obj.Class?.Name} without its count", obj.Offset);
        }

        var count = obj.Groups[0].Values[0] switch
        {
            long l => l,
            ulong u => (long)Math.Min(u, long.MaxValue),
            _ => throw new TypedStreamException($"{obj.Class?.Name} count is not an integer", obj.Offset),
        };
        if (count < 0)
        {
            throw new TypedStreamException($"{obj.Class?.Name} has a negative count {count}", obj.Offset);
        }

        return count;
    }

    private static TypedStreamGroup FirstGroup(TypedStreamObject obj, string encoding)
    {
        if (obj.Groups.Count == 0 || obj.Groups[0].Encoding != encoding)
        {
            throw new TypedStreamException($"{obj.Class?.Name} does not start with a '{encoding}' group", obj.Offset);
        }

        return obj.Groups[0];
    }
}
