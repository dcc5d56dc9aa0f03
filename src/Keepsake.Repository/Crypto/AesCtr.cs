using System.Security.Cryptography;

namespace Keepsake.Repository.Crypto;

/// <summary>
/// AES-256 in counter mode: the 16-byte IV is the initial counter block, incremented as one
/// 128-bit big-endian number per block (as Go's cipher.NewCTR does). Key-stream blocks are made
/// with ECB over a batch of counter blocks, which uses AES-NI.
/// </summary>
internal static class AesCtr
{
    private const int BatchBytes = 16 * 1024;

    public static void Transform(Aes aes, ReadOnlySpan<byte> iv, ReadOnlySpan<byte> input, Span<byte> output)
    {
        if (output.Length < input.Length)
        {
            throw new ArgumentException("The output is shorter than the input.", nameof(output));
        }

        var counter = new UInt128(
            System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(iv),
            System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(iv[8..]));
        var length = input.Length;
        var batch = Math.Min(BatchBytes, (length + 15) & ~15);
        var counters = System.Buffers.ArrayPool<byte>.Shared.Rent(batch);
        var stream = System.Buffers.ArrayPool<byte>.Shared.Rent(batch);
        try
        {
            var done = 0;
            while (done < length)
            {
                var n = Math.Min(batch, length - done);
                var blocks = (n + 15) / 16;
                for (var i = 0; i < blocks; i++)
                {
                    var span = counters.AsSpan(i * 16, 16);
                    System.Buffers.Binary.BinaryPrimitives.WriteUInt64BigEndian(span, (ulong)(counter >> 64));
                    System.Buffers.Binary.BinaryPrimitives.WriteUInt64BigEndian(span[8..], (ulong)counter);
                    counter++;
                }

                aes.EncryptEcb(counters.AsSpan(0, blocks * 16), stream.AsSpan(0, blocks * 16), PaddingMode.None);
                Xor(input.Slice(done, n), stream.AsSpan(0, n), output.Slice(done, n));
                done += n;
            }
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(counters);
            System.Buffers.ArrayPool<byte>.Shared.Return(stream, clearArray: true);
        }
    }

    private static void Xor(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b, Span<byte> output)
    {
        var i = 0;
        if (System.Numerics.Vector.IsHardwareAccelerated)
        {
            var width = System.Numerics.Vector<byte>.Count;
            for (; i + width <= a.Length; i += width)
            {
                var v = new System.Numerics.Vector<byte>(a[i..]) ^ new System.Numerics.Vector<byte>(b[i..]);
                v.CopyTo(output[i..]);
            }
        }

        for (; i < a.Length; i++)
        {
            output[i] = (byte)(a[i] ^ b[i]);
        }
    }
}
