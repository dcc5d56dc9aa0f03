using System.Buffers.Binary;

namespace Keepsake.Device.Simulator.Phone.Generated;

/// <summary>
/// A fast deterministic byte source (xoshiro256**, seeded through SplitMix64) for file contents that
/// must not compress or deduplicate: the same seed gives the same bytes on every platform.
/// </summary>
internal sealed class SeededBytes
{
    private ulong _s0, _s1, _s2, _s3;

    public SeededBytes(ulong seed)
    {
        _s0 = SplitMix(ref seed);
        _s1 = SplitMix(ref seed);
        _s2 = SplitMix(ref seed);
        _s3 = SplitMix(ref seed);
    }

    public void Fill(Span<byte> output)
    {
        while (output.Length >= 8)
        {
            BinaryPrimitives.WriteUInt64LittleEndian(output, Next());
            output = output[8..];
        }

        if (output.Length > 0)
        {
            Span<byte> last = stackalloc byte[8];
            BinaryPrimitives.WriteUInt64LittleEndian(last, Next());
            last[..output.Length].CopyTo(output);
        }
    }

    private ulong Next()
    {
        var result = ulong.RotateLeft(_s1 * 5, 7) * 9;
        var t = _s1 << 17;
        _s2 ^= _s0;
        _s3 ^= _s1;
        _s1 ^= _s2;
        _s0 ^= _s3;
        _s2 ^= t;
        _s3 = ulong.RotateLeft(_s3, 45);
        return result;
    }

    private static ulong SplitMix(ref ulong state)
    {
        var z = state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
