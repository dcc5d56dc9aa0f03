namespace Keepsake.Primitives;

/// <summary>Lower-case hexadecimal helpers for content identifiers (SHA-1 file IDs, SHA-256 blob IDs).</summary>
public static class HexId
{
    /// <summary>Lower-case hex of <paramref name="bytes"/>.</summary>
    public static string ToHex(ReadOnlySpan<byte> bytes) => Convert.ToHexStringLower(bytes);

    /// <summary>Whether <paramref name="value"/> is exactly <paramref name="byteLength"/> bytes of lower- or upper-case hex.</summary>
    public static bool IsHex(string? value, int byteLength) =>
        value is not null && value.Length == byteLength * 2 && value.All(Uri.IsHexDigit);

    /// <summary>Short form for display (the first 8 characters, as restic shows snapshot IDs).</summary>
    public static string Short(string id)
    {
        ArgumentNullException.ThrowIfNull(id);
        return id.Length <= 8 ? id : id[..8];
    }
}
