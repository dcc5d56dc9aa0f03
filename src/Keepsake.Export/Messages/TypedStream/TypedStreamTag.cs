namespace Keepsake.Export.Messages.TypedStream;

/// <summary>
/// The head bytes of a typedstream that are tags rather than literal integers (read as signed bytes,
/// −128 … −111). See docs/design/exporters.md, "typedstream: head bytes".
/// </summary>
internal static class TypedStreamTag
{
    /// <summary>Two-byte little-endian integer follows.</summary>
    public const byte Int16 = 0x81;

    /// <summary>Four-byte little-endian integer follows.</summary>
    public const byte Int32 = 0x82;

    /// <summary>A float (4 bytes) or double (8 bytes) follows.</summary>
    public const byte Float = 0x83;

    /// <summary>A literal (new) string, object or class follows.</summary>
    public const byte New = 0x84;

    /// <summary>Nil.</summary>
    public const byte Nil = 0x85;

    /// <summary>End of an object's value groups.</summary>
    public const byte End = 0x86;

    /// <summary>Eight-byte little-endian integer follows.</summary>
    public const byte Int64 = 0x87;

    /// <summary>Lowest head value (signed) that is a tag; −128.</summary>
    public const int FirstTag = -128;

    /// <summary>Highest head value (signed) that is a tag; −111 (0x91).</summary>
    public const int LastTag = -111;

    /// <summary>Reference numbers are the encoded integer plus this bias (so 0x92 is reference 0).</summary>
    public const int ReferenceBias = 110;

    /// <summary>Streamer version this decoder reads.</summary>
    public const byte StreamerVersion = 4;

    /// <summary>Signature of a little-endian stream.</summary>
    public static ReadOnlySpan<byte> LittleEndianSignature => "streamtyped"u8;

    /// <summary>Signature of a big-endian stream (not supported: iMessage never writes it).</summary>
    public static ReadOnlySpan<byte> BigEndianSignature => "typedstream"u8;
}
