using System.Buffers;
using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace Keepsake.Repository.Crypto;

/// <summary>
/// AES-256 in counter mode: the 16-byte IV is the initial counter block, incremented as one
/// 128-bit big-endian number per block (as Go's cipher.NewCTR does). Key-stream blocks are made
/// with ECB over batches of 64 KiB of counter blocks, which uses AES-NI.
/// </summary>
internal static class AesCtr
{
    private const int BatchBytes = 64 * 1024;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Transform(Aes aes, ReadOnlySpan<byte> iv, ReadOnlySpan<byte> input, Span<byte> output)
    {
        if (output.Length < input.Length)
        {
            throw new ArgumentException("The output is shorter than the input.", nameof(output));
        }

        var hi = BinaryPrimitives.ReadUInt64BigEndian(iv);
        var lo = BinaryPrimitives.ReadUInt64BigEndian(iv[8..]);
        var length = input.Length;
        var batch = Math.Min(BatchBytes, (length + 15) & ~15);
        var counters = Keepsake.Repository.Internal.BufferPool.Shared.Rent(batch);
        var stream = Keepsake.Repository.Internal.BufferPool.Shared.Rent(batch);
        try
        {
            var done = 0;
            while (done < length)
            {
                var n = Math.Min(batch, length - done);
                var blocks = (n + 15) / 16;
                var words = MemoryMarshal.Cast<byte, ulong>(counters.AsSpan(0, blocks * 16));
                for (var i = 0; i < blocks; i++)
                {
                    words[2 * i] = BinaryPrimitives.ReverseEndianness(hi);
                    words[(2 * i) + 1] = BinaryPrimitives.ReverseEndianness(lo);
                    lo++;
                    if (lo == 0)
                    {
                        hi++;
                    }
                }

                aes.EncryptEcb(counters.AsSpan(0, blocks * 16), stream.AsSpan(0, blocks * 16), PaddingMode.None);
                Xor(input.Slice(done, n), stream.AsSpan(0, n), output.Slice(done, n));
                done += n;
            }
        }
        finally
        {
            Keepsake.Repository.Internal.BufferPool.Shared.Return(counters);
            Keepsake.Repository.Internal.BufferPool.Shared.Return(stream, clearArray: true);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Xor(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b, Span<byte> output)
    {
        var i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var width = Vector<byte>.Count;
            for (; i + width <= a.Length; i += width)
            {
                var v = new Vector<byte>(a[i..]) ^ new Vector<byte>(b[i..]);
                v.CopyTo(output[i..]);
            }
        }

        for (; i < a.Length; i++)
        {
            output[i] = (byte)(a[i] ^ b[i]);
        }
    }
}
