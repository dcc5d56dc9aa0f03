namespace Keepsake.Plist;

/// <summary>
/// The named byte layout of a <c>bplist00</c> file (docs/design/plist.md): header, marker nibbles
/// and the 32-byte trailer's field offsets.
/// </summary>
internal static class BinaryPlistLayout
{
    /// <summary>"bplist00".</summary>
    public static ReadOnlySpan<byte> Magic => "bplist00"u8;

    public const int HeaderLength = 8;
    public const int TrailerLength = 32;

    // Offsets inside the trailer.
    public const int TrailerSortVersion = 5;
    public const int TrailerOffsetIntSize = 6;
    public const int TrailerObjectRefSize = 7;
    public const int TrailerObjectCount = 8;
    public const int TrailerTopObject = 16;
    public const int TrailerOffsetTableOffset = 24;

    // Marker high nibbles.
    public const int TypeSimple = 0x0;
    public const int TypeInteger = 0x1;
    public const int TypeReal = 0x2;
    public const int TypeDate = 0x3;
    public const int TypeData = 0x4;
    public const int TypeAsciiString = 0x5;
    public const int TypeUtf16String = 0x6;
    public const int TypeUid = 0x8;
    public const int TypeArray = 0xA;
    public const int TypeSet = 0xC;
    public const int TypeDictionary = 0xD;

    // Whole markers.
    public const byte MarkerNull = 0x00;
    public const byte MarkerFalse = 0x08;
    public const byte MarkerTrue = 0x09;
    public const byte MarkerDate = 0x33;

    /// <summary>Low nibble meaning "an integer object with the real count follows".</summary>
    public const int CountFollows = 0xF;
}
