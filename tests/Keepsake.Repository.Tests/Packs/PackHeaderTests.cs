using Keepsake.Repository.Packs;

namespace Keepsake.Repository.Tests.Packs;

public sealed class PackHeaderTests
{
    private static readonly ObjectId PackId = ObjectId.Hash("pack"u8);

    [Fact]
    public void Encode_ThenDecode_RoundTripsWithOffsets()
    {
        var blobs = new List<PackedBlob>
        {
            new(ObjectId.Hash("a"u8), BlobType.Data, PackId, 0, 100, 0),
            new(ObjectId.Hash("b"u8), BlobType.Data, PackId, 100, 60, 500),
            new(ObjectId.Hash("c"u8), BlobType.Tree, PackId, 160, 40, 0),
            new(ObjectId.Hash("d"u8), BlobType.Tree, PackId, 200, 50, 80),
        };
        var header = PackHeader.Encode(blobs);
        Assert.Equal((2 * PackHeader.PlainEntrySize) + (2 * PackHeader.CompressedEntrySize), header.Length);
        Assert.Equal([0, 2, 1, 3], new[] { header[0], header[37], header[37 + 41], header[37 + 41 + 37] });
        Assert.Equal(blobs, PackHeader.Decode(header, PackId));
    }

    [Fact]
    public void Decode_UnknownType_ThrowsWithOffset()
    {
        var header = PackHeader.Encode([new(ObjectId.Hash("a"u8), BlobType.Data, PackId, 0, 100, 0)]);
        header[0] = 7;
        var e = Assert.Throws<RepositoryCorruptedException>(() => PackHeader.Decode(header, PackId));
        Assert.Equal(0, e.Offset);
        Assert.Equal(PackId.ToString(), e.ObjectId);
    }

    [Fact]
    public void Decode_Truncated_ThrowsWithOffset()
    {
        var header = PackHeader.Encode([new(ObjectId.Hash("a"u8), BlobType.Data, PackId, 0, 100, 0), new(ObjectId.Hash("b"u8), BlobType.Data, PackId, 100, 100, 0)]);
        var e = Assert.Throws<RepositoryCorruptedException>(() => PackHeader.Decode(header.AsSpan(0, header.Length - 5), PackId));
        Assert.Equal(PackHeader.PlainEntrySize, e.Offset);
    }

    [Fact]
    public void Decode_LengthBelowOverhead_Throws()
    {
        var header = PackHeader.Encode([new(ObjectId.Hash("a"u8), BlobType.Data, PackId, 0, 100, 0)]);
        header[1] = 5;
        header[2] = 0;
        Assert.Throws<RepositoryCorruptedException>(() => PackHeader.Decode(header, PackId));
    }
}
