using ZstdSharp;

namespace Keepsake.Repository.Internal;

/// <summary>
/// zstd: the system library when there is one (<see cref="NativeZstd"/>), else the managed port with
/// one compressor/decompressor per thread. Both write standard zstd frames, so either reads the other's.
/// </summary>
internal static class Zstd
{
    [ThreadStatic]
    private static Compressor? t_compressor;

    [ThreadStatic]
    private static int t_level;

    [ThreadStatic]
    private static Decompressor? t_decompressor;

    /// <summary>Whether the system's libzstd is used.</summary>
    public static bool IsNative => NativeZstd.IsAvailable;

    /// <summary>The largest compressed size of <paramref name="length"/> bytes.</summary>
    public static int CompressBound(int length) => IsNative ? NativeZstd.CompressBound(length) : Compressor.GetCompressBound(length);

    public static byte[] Compress(ReadOnlySpan<byte> data, int level)
    {
        var buffer = BufferPool.Shared.Rent(CompressBound(data.Length));
        try
        {
            var n = Compress(data, buffer, level);
            return buffer.AsSpan(0, n).ToArray();
        }
        finally
        {
            BufferPool.Shared.Return(buffer);
        }
    }

    /// <summary>Compresses into <paramref name="destination"/> (at least <see cref="CompressBound"/>); returns the length.</summary>
    public static int Compress(ReadOnlySpan<byte> data, Span<byte> destination, int level) =>
        IsNative ? NativeZstd.Compress(data, destination, level) : CompressorFor(level).Wrap(data, destination);

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
        var output = new byte[expectedLength];
        return TryDecompress(data, output) ? output : null;
    }

    /// <summary>Decompresses into <paramref name="destination"/>; false unless exactly its length comes out.</summary>
    public static bool TryDecompress(ReadOnlySpan<byte> data, Span<byte> destination)
    {
        if (IsNative)
        {
            return NativeZstd.TryDecompress(data, destination);
        }

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
        // The frame header usually states the size (restic's and ours do): decompress into exactly that.
        if (IsNative && NativeZstd.FrameContentSize(data) is >= 0 and var size && size <= maxLength)
        {
            var output = new byte[size];
            if (NativeZstd.TryDecompress(data, output))
            {
                return output;
            }
        }

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
