using System.Buffers.Binary;
using Keepsake.Repository.Crypto;

namespace Keepsake.Repository.Packs;

/// <summary>Accumulates sealed blobs of one type and produces the finished pack bytes. Not thread-safe.</summary>
internal sealed class PackBuilder
{
    private readonly MemoryStream _data;
    private readonly List<(ObjectId Id, BlobType Type, long Offset, int Length, int Uncompressed)> _entries = [];

    public PackBuilder(BlobType type, int expectedSize = 0)
    {
        Type = type;
        _data = new MemoryStream(expectedSize);
    }

    public BlobType Type { get; }

    public long Size => _data.Length;

    public int Count => _entries.Count;

    public void Add(ObjectId id, ReadOnlySpan<byte> sealedBlob, int uncompressedLength)
    {
        _entries.Add((id, Type, _data.Length, sealedBlob.Length, uncompressedLength));
        _data.Write(sealedBlob);
    }

    /// <summary>Appends the sealed header and its length; returns the pack bytes, its ID and its blobs.</summary>
    public (ReadOnlyMemory<byte> Bytes, ObjectId Id, List<PackedBlob> Blobs) Finish(MasterKey key)
    {
        var provisional = _entries.Select(e => new PackedBlob(e.Id, e.Type, default, e.Offset, e.Length, e.Uncompressed)).ToList();
        var header = key.Seal(PackHeader.Encode(provisional));
        _data.Write(header);
        Span<byte> length = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(length, (uint)header.Length);
        _data.Write(length);
        var bytes = _data.GetBuffer().AsMemory(0, (int)_data.Length);
        var id = ObjectId.Hash(bytes.Span);
        var blobs = provisional.Select(b => b with { PackId = id }).ToList();
        return (bytes, id, blobs);
    }
}
