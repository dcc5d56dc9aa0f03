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
