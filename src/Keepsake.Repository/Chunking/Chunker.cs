using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Keepsake.Repository.Chunking;

/// <summary>
/// Content-defined chunking with a 64-byte Rabin rolling hash over the repository's polynomial,
/// cutting where the low 20 bits of the digest are zero, with chunks of 512 KiB to 8 MiB (the last
/// chunk of a stream may be shorter). Boundaries equal restic's for the same polynomial. See
/// docs/design/repository-format.md, "Chunking". Not thread-safe: one instance per stream.
/// </summary>
public sealed class Chunker
{
    /// <summary>The smallest chunk (except a stream's last).</summary>
    public const int MinSize = 512 * 1024;

    /// <summary>The largest chunk.</summary>
    public const int MaxSize = 8 * 1024 * 1024;

    private const int WindowSize = 64;
    private const ulong SplitMask = (1UL << 20) - 1;
    private static readonly ConcurrentDictionary<ulong, (ulong[] Out, ulong[] Mod)> TableCache = new();

    private readonly ulong[] _out;
    private readonly ulong[] _mod;
    private readonly int _polShift;
    private readonly byte[] _window = new byte[WindowSize];
    private ulong _digest;
    private int _wpos;
    private long _count;
    private long _pre;

    /// <summary>Creates a chunker for <paramref name="polynomial"/> (degree 9..53).</summary>
    public Chunker(ChunkerPolynomial polynomial)
    {
        var degree = polynomial.Degree;
        if (degree is < 9 or > 53)
        {
            throw new ArgumentOutOfRangeException(nameof(polynomial), "The polynomial's degree must be between 9 and 53.");
        }

        (_out, _mod) = TableCache.GetOrAdd(polynomial.Value, BuildTables);
        _polShift = degree - 8;
        Reset();
    }

    /// <summary>Starts a new chunk (as after a cut, or at the start of a stream).</summary>
    public void Reset()
    {
        Array.Clear(_window);
        _digest = 0;
        _wpos = 0;
        _count = 0;

        // Slide in a single 1 byte, as restic's chunker does on reset.
        _digest = Slide(_digest, 1);
        _pre = MinSize - WindowSize;
    }

    /// <summary>
    /// Feeds <paramref name="buffer"/>; returns the number of bytes of it that complete the current
    /// chunk (the chunker has reset for the next), or -1 when the whole buffer belongs to the chunk.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // the hottest loop of a backup: optimized from the first call
    public int NextSplitPoint(ReadOnlySpan<byte> buffer)
    {
        var index = 0;
        if (_pre > 0)
        {
            if (_pre >= buffer.Length)
            {
                _pre -= buffer.Length;
                _count += buffer.Length;
                return -1;
            }

            index = (int)_pre;
            _count += _pre;
            _pre = 0;
        }

        // Bytes [index, end) are hashed in this call; a cut is forced where the chunk reaches MaxSize.
        var end = (int)Math.Min(buffer.Length, index + (MaxSize - _count));
        var digest = _digest;
        var wpos = _wpos;
        ref var window = ref MemoryMarshal.GetArrayDataReference(_window);
        ref var outTable = ref MemoryMarshal.GetArrayDataReference(_out);
        ref var modTable = ref MemoryMarshal.GetArrayDataReference(_mod);
        ref var data = ref MemoryMarshal.GetReference(buffer);
        var shift = _polShift;

        // The first 64 bytes hashed in this call push out bytes held in the window (from an earlier
        // buffer, or the reset state); after them, the byte leaving the window is simply 64 bytes back
        // in this buffer, so the window array is only brought up to date at the end.
        var i = index;
        var windowed = Math.Min(end, index + WindowSize);
        for (; i < windowed; i++)
        {
            var b = Unsafe.Add(ref data, i);
            ref var slot = ref Unsafe.Add(ref window, wpos);
            digest ^= Unsafe.Add(ref outTable, slot);
            slot = b;
            wpos = (wpos + 1) & (WindowSize - 1);
            digest = ((digest << 8) | b) ^ Unsafe.Add(ref modTable, (nint)(digest >> shift));
            if ((digest & SplitMask) == 0 && _count + (i - index) + 1 >= MinSize)
            {
                Reset();
                return i + 1;
            }
        }

        for (; i < end; i++)
        {
            var b = Unsafe.Add(ref data, i);
            digest ^= Unsafe.Add(ref outTable, Unsafe.Add(ref data, i - WindowSize));
            digest = ((digest << 8) | b) ^ Unsafe.Add(ref modTable, (nint)(digest >> shift));
            if ((digest & SplitMask) == 0 && _count + (i - index) + 1 >= MinSize)
            {
                Reset();
                return i + 1;
            }
        }

        if (_count + (end - index) >= MaxSize)
        {
            Reset();
            return end;
        }

        if (end - index >= WindowSize)
        {
            buffer.Slice(end - WindowSize, WindowSize).CopyTo(_window);
            wpos = 0;
        }

        _digest = digest;
        _wpos = wpos;
        _count += end - index;
        return -1;
    }

    private ulong Slide(ulong digest, byte b)
    {
        var old = _window[_wpos];
        _window[_wpos] = b;
        digest ^= _out[old];
        _wpos = (_wpos + 1) % WindowSize;
        var top = digest >> _polShift;
        return ((digest << 8) | b) ^ _mod[top];
    }

    private static (ulong[] Out, ulong[] Mod) BuildTables(ulong pol)
    {
        var outTable = new ulong[256];
        var modTable = new ulong[256];
        var degree = new ChunkerPolynomial(pol).Degree;
        for (var b = 0; b < 256; b++)
        {
            // The contribution of byte b once it has moved through the whole window: b·x^(8·63) mod pol.
            var h = ChunkerPolynomial.Mod((ulong)b, pol);
            for (var i = 0; i < WindowSize - 1; i++)
            {
                h = ChunkerPolynomial.Mod(h << 8, pol);
            }

            outTable[b] = h;

            // Reduces the top byte that shifting left by 8 pushes past the degree.
            modTable[b] = ChunkerPolynomial.Mod((ulong)b << degree, pol) | ((ulong)b << degree);
        }

        return (outTable, modTable);
    }
}
