using System.Collections.Concurrent;
using System.Text;

namespace Keepsake.Export.Messages.TypedStream;

/// <summary>
/// Shared instances of what every iMessage body repeats, so that decoding one allocates only what is
/// particular to it: the class names, type encodings and attribute keys (one string each), the split
/// form of type encodings, and boxes for small integers. Read-only after start-up, except the bounded
/// cache of split encodings, which is thread-safe.
/// </summary>
internal static class TypedStreamStrings
{
    private const int MaxInterned = 64;
    private const int MaxCachedEncodings = 256;

    private static readonly Dictionary<string, string> Known = Build();
    private static readonly Dictionary<string, string>.AlternateLookup<ReadOnlySpan<char>> KnownLookup = Known.GetAlternateLookup<ReadOnlySpan<char>>();
    private static readonly string[][] SingleTypes = Enumerable.Range(0, 128).Select(c => new[] { Known.GetValueOrDefault(((char)c).ToString()) ?? ((char)c).ToString() }).ToArray();
    private static readonly ConcurrentDictionary<string, string[]> Encodings = new(StringComparer.Ordinal);
    private static readonly object[] SignedBoxes = Enumerable.Range(-128, 512).Select(v => (object)(long)v).ToArray();
    private static readonly object[] UnsignedBoxes = Enumerable.Range(0, 384).Select(v => (object)(ulong)v).ToArray();

    /// <summary>The text of UTF-8 <paramref name="bytes"/>: a shared instance when it is one of the known names, else a new string.</summary>
    public static string Get(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length <= MaxInterned && System.Text.Ascii.IsValid(bytes))
        {
            Span<char> chars = stackalloc char[MaxInterned];
            var count = Encoding.ASCII.GetChars(bytes, chars);
            return KnownLookup.TryGetValue(chars[..count], out var known) ? known : new string(chars[..count]);
        }

        return Encoding.UTF8.GetString(bytes);
    }

    /// <summary>The single types of <paramref name="encoding"/> (see <see cref="TypedStreamReader.SplitEncoding"/>); the array is shared and must not be changed.</summary>
    public static string[] Split(string encoding, long offset)
    {
        if (encoding.Length == 1 && encoding[0] < 128)
        {
            return SingleTypes[encoding[0]];
        }

        if (Encodings.TryGetValue(encoding, out var cached))
        {
            return cached;
        }

        var types = TypedStreamReader.SplitEncoding(encoding, offset).Select(t => t.Length == 1 && t[0] < 128 ? SingleTypes[t[0]][0] : t).ToArray();
        if (Encodings.Count < MaxCachedEncodings)
        {
            Encodings.TryAdd(encoding, types);
        }

        return types;
    }

    /// <summary>A boxed <see cref="long"/>, shared for small values.</summary>
    public static object Box(long value) => value is >= -128 and < 384 ? SignedBoxes[value + 128] : value;

    /// <summary>A boxed <see cref="ulong"/>, shared for small values.</summary>
    public static object Box(ulong value) => value < 384 ? UnsignedBoxes[value] : value;

    private static Dictionary<string, string> Build()
    {
        string[] names =
        [
            "@", "+", "*", "#", "%", ":", "!", "c", "C", "B", "s", "S", "i", "I", "l", "L", "q", "Q", "f", "d", "iI", "[", "{",
            "NSObject", "NSString", "NSMutableString", "NSAttributedString", "NSMutableAttributedString", "NSDictionary",
            "NSMutableDictionary", "NSArray", "NSMutableArray", "NSSet", "NSMutableSet", "NSNumber", "NSValue", "NSData",
            "NSMutableData", "NSURL", "NSDate", "NSColor", "NSFont", "NSParagraphStyle",
            IMAttributeKeys.MessagePart, IMAttributeKeys.BaseWritingDirection, IMAttributeKeys.FileTransferGuid, IMAttributeKeys.Filename,
            IMAttributeKeys.InlineMediaWidth, IMAttributeKeys.InlineMediaHeight, IMAttributeKeys.Mention, IMAttributeKeys.Link,
            IMAttributeKeys.LinkIsRichLink, IMAttributeKeys.DataDetected, IMAttributeKeys.PhoneNumber, IMAttributeKeys.Address,
            IMAttributeKeys.CalendarEvent, IMAttributeKeys.OneTimeCode, IMAttributeKeys.Bold, IMAttributeKeys.Italic,
            IMAttributeKeys.Underline, IMAttributeKeys.Strikethrough, IMAttributeKeys.TextEffect, IMAttributeKeys.AudioTranscription,
        ];
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var name in names)
        {
            result[name] = name;
        }

        return result;
    }
}
