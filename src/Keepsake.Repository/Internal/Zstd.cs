using ZstdSharp;

namespace Keepsake.Repository.Internal;

/// <summary>zstd with one compressor/decompressor per thread.</summary>
internal static class Zstd
{
    [ThreadStatic]
    private static Compressor? t_compressor;

    [ThreadStatic]
    private static int t_level;

    [ThreadStatic]
    private static Decompressor? t_decompressor;

    public static byte[] Compress(ReadOnlySpan<byte> data, int level) => CompressorFor(level).Wrap(data).ToArray();

    /// <summary>Compresses into <paramref name="destination"/> (at least the compress bound); returns the length.</summary>
    public static int Compress(ReadOnlySpan<byte> data, Span<byte> destination, int level) => CompressorFor(level).Wrap(data, destination);

    private static Compressor CompressorFor(int level)
    {
        if (t_compressor is null || t_level != level)
        {
            t_compressor?.Dispose();
            t_compressor = new Compressor(level);
            t_level = level;
        }

        return t_compressor;
    }

    /// <summary>Decompresses into exactly <paramref name="expectedLength"/> bytes, or returns null when the data does not.</summary>
    public static byte[]? Decompress(ReadOnlySpan<byte> data, int expectedLength)
    {
        t_decompressor ??= new Decompressor();
        var output = new byte[expectedLength];
        try
        {
            return t_decompressor.TryUnwrap(data, output, out var written) && written == expectedLength ? output : null;
        }
        catch (ZstdException)
        {
            return null;
        }
    }

    /// <summary>Decompresses into <paramref name="destination"/>; false unless exactly its length comes out.</summary>
    public static bool TryDecompress(ReadOnlySpan<byte> data, Span<byte> destination)
    {
        t_decompressor ??= new Decompressor();
        try
        {
            return t_decompressor.TryUnwrap(data, destination, out var written) && written == destination.Length;
        }
        catch (ZstdException)
        {
            return false;
        }
    }

    /// <summary>Decompresses a frame of unknown size, up to <paramref name="maxLength"/> bytes; null when invalid or too large.</summary>
    public static byte[]? DecompressUnknown(ReadOnlySpan<byte> data, int maxLength)
    {
        t_decompressor ??= new Decompressor();
        try
        {
            return t_decompressor.Unwrap(data, maxLength).ToArray();
        }
        catch (ZstdException)
        {
            return null;
        }
        catch (ArgumentException)
        {
            return null;
        }
    }
}
