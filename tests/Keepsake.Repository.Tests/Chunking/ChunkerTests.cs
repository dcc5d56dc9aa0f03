using Keepsake.Repository.Chunking;

namespace Keepsake.Repository.Tests.Chunking;

public sealed class ChunkerTests
{
    [Fact]
    public void CreateRandom_IsIrreducibleOfDegree53()
    {
        var pol = ChunkerPolynomial.CreateRandom();
        Assert.Equal(53, pol.Degree);
        Assert.True(pol.IsIrreducible());
    }

    [Theory]
    [InlineData(0x3DA3358B4DC173UL, true)] // the polynomial used in restic/chunker's own examples
    [InlineData(0x3DA3358B4DC172UL, false)] // divisible by x
    [InlineData(0x7UL, true)] // x^2 + x + 1
    [InlineData(0x5UL, false)] // x^2 + 1 = (x + 1)^2
    public void IsIrreducible_KnownPolynomials_Classified(ulong value, bool expected) =>
        Assert.Equal(expected, new ChunkerPolynomial(value).IsIrreducible());

    [Fact]
    public async Task NextAsync_SameDataTwice_SameChunksWithinBounds()
    {
        var data = new byte[12 * 1024 * 1024];
        new Random(5).NextBytes(data);
        var pol = new ChunkerPolynomial(0x3DA3358B4DC173UL);
        var first = await ChunkAsync(data, pol);
        var second = await ChunkAsync(data, pol);
        Assert.Equal(first.Select(c => c.Length), second.Select(c => c.Length));
        Assert.Equal(data.Length, first.Sum(c => c.Length));
        Assert.All(first.SkipLast(1), c => Assert.InRange(c.Length, Chunker.MinSize, Chunker.MaxSize));
        Assert.True(first.Count > 3);
    }

    [Fact]
    public async Task NextAsync_InsertedBytes_OnlyNearbyChunksChange()
    {
        var data = new byte[10 * 1024 * 1024];
        new Random(6).NextBytes(data);
        var pol = new ChunkerPolynomial(0x3DA3358B4DC173UL);
        var before = (await ChunkAsync(data, pol)).Select(c => ObjectId.Hash(c)).ToList();
        var changed = data[..100].Concat(new byte[] { 1, 2, 3 }).Concat(data[100..]).ToArray();
        var after = (await ChunkAsync(changed, pol)).Select(c => ObjectId.Hash(c)).ToList();
        Assert.True(before.Intersect(after).Count() >= before.Count - 2, "an insertion near the start must not change later chunks");
    }

    [Theory]
    [InlineData(1)]
    [InlineData(63)]
    [InlineData(64)]
    [InlineData(65)]
    [InlineData(4096)]
    [InlineData(0)] // random sizes
    public void NextSplitPoint_AnyBufferSizes_SameCutsAsWholeBuffer(int size)
    {
        // The window is handed over between buffers; cuts must not depend on how the data is split.
        var data = new byte[6 * 1024 * 1024];
        new Random(8).NextBytes(data);
        var pol = new ChunkerPolynomial(0x3DA3358B4DC173UL);
        var whole = Cuts(data, pol, _ => data.Length);
        var random = new Random(size);
        Assert.Equal(whole, Cuts(data, pol, _ => size > 0 ? size : random.Next(1, 200_000)));
        Assert.True(whole.Count > 2);
    }

    [Fact]
    public void NextSplitPoint_DataWithoutCutPoints_CutsAtMaxSize()
    {
        // A run of one byte value gives a constant digest once the window is full; for 0xFF and this
        // polynomial its low 20 bits are not all zero, so only the size limit cuts. (Zeros would cut
        // at every minimum size: their digest is 0.)
        var data = new byte[(3 * Chunker.MaxSize) + 5];
        data.AsSpan().Fill(0xFF);
        var cuts = Cuts(data, new ChunkerPolynomial(0x3DA3358B4DC173UL), i => 1_000_003);
        Assert.Equal([Chunker.MaxSize, 2L * Chunker.MaxSize, 3L * Chunker.MaxSize], cuts);
    }

    /// <summary>Absolute positions of the cuts when the data is fed in pieces of the given sizes.</summary>
    private static List<long> Cuts(byte[] data, ChunkerPolynomial pol, Func<int, int> pieceSize)
    {
        var chunker = new Chunker(pol);
        var cuts = new List<long>();
        var position = 0;
        var piece = 0;
        while (position < data.Length)
        {
            var length = Math.Min(pieceSize(piece++), data.Length - position);
            var offset = 0;
            while (offset < length)
            {
                var split = chunker.NextSplitPoint(data.AsSpan(position + offset, length - offset));
                if (split < 0)
                {
                    break;
                }

                offset += split;
                cuts.Add(position + offset);
            }

            position += length;
        }

        return cuts;
    }

    private static async Task<List<byte[]>> ChunkAsync(byte[] data, ChunkerPolynomial pol)
    {
        using var reader = new ChunkReader(new MemoryStream(data), pol);
        var chunks = new List<byte[]>();
        while (await reader.NextAsync() is { } c)
        {
            chunks.Add(c);
        }

        return chunks;
    }
}
