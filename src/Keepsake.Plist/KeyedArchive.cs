namespace Keepsake.Plist;

/// <summary>
/// Reads and writes NSKeyedArchiver archives (structure in docs/design/plist.md), turning them into a
/// plain .NET object graph and back.
/// </summary>
/// <remarks>
/// Decoding maps archived values as follows: <c>$null</c> → null; strings → string; data → byte[];
/// integers → long (Int128 beyond 64 bits); reals → double; booleans → bool; NSString/NSMutableString →
/// string; NSData/NSMutableData → byte[]; NSArray/NSMutableArray/NSSet/NSMutableSet/NSOrderedSet →
/// <c>List&lt;object?&gt;</c>; NSDictionary/NSMutableDictionary → <c>Dictionary&lt;string, object?&gt;</c>
/// when every key is a string, else <c>Dictionary&lt;object, object?&gt;</c>; NSDate → DateTimeOffset (UTC);
/// NSUUID → Guid (from big-endian bytes; an NSUUID whose NS.uuidbytes is not 16 bytes, as seen in real
/// iMessage payloads, stays an <see cref="ArchivedObject"/>); NSURL → string (base and relative joined); any other class →
/// <see cref="ArchivedObject"/>. An archived object referenced from several places decodes to one
/// instance, so cycles are kept. Errors raise <see cref="PlistFormatException"/> with offset -1 and the
/// object index in the message.
/// </remarks>
public static class KeyedArchive
{
    /// <summary>The <c>$archiver</c> value Apple writes.</summary>
    public const string ArchiverName = "NSKeyedArchiver";

    /// <summary>The <c>$version</c> value Apple writes.</summary>
    public const long Version = 100000;

    /// <summary>Decodes the root object of an archive held in a parsed plist.</summary>
    public static object? Decode(PlistNode archive) => Decode(archive, KeyedArchiveOptions.Default);

    /// <summary>Decodes the root object of an archive held in a parsed plist.</summary>
    public static object? Decode(PlistNode archive, KeyedArchiveOptions options)
    {
        ArgumentNullException.ThrowIfNull(archive);
        ArgumentNullException.ThrowIfNull(options);
        return new KeyedArchiveDecoder(archive, options).DecodeRoot();
    }

    /// <summary>
    /// Decodes every entry of <c>$top</c> (archives written with <c>encodeObject:forKey:</c> on the
    /// archiver itself have keys other than <c>root</c>). Objects shared between entries are one instance.
    /// </summary>
    public static Dictionary<string, object?> DecodeTop(PlistNode archive)
    {
        ArgumentNullException.ThrowIfNull(archive);
        return new KeyedArchiveDecoder(archive, KeyedArchiveOptions.Default).DecodeTop();
    }

    /// <summary>Parses a binary or XML plist and decodes the archive in it.</summary>
    public static object? Decode(ReadOnlySpan<byte> plistBytes) => Decode(PlistReader.Read(plistBytes), KeyedArchiveOptions.Default);

    /// <summary>
    /// Encodes <paramref name="root"/> the way NSKeyedArchiver does: <c>$version</c>, <c>$archiver</c>,
    /// <c>$top</c> = { root: UID } and <c>$objects</c> starting with <c>$null</c>. Accepts the types
    /// <see cref="Decode(PlistNode)"/> produces (plus int, short, float, IList and IDictionary).
    /// </summary>
    /// <exception cref="ArgumentException">A value of an unsupported type, or nesting deeper than 512.</exception>
    public static PlistDictionary Encode(object? root) => new KeyedArchiveEncoder().EncodeRoot(root);

    /// <summary><see cref="Encode"/>, written as a binary plist.</summary>
    public static byte[] EncodeToBinary(object? root) => PlistWriter.ToBinary(Encode(root));
}
