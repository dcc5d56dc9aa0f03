using System.Buffers;
using System.Buffers.Binary;
using Keepsake.Repository.Crypto;

namespace Keepsake.Repository.Packs;

/// <summary>
/// Accumulates sealed blobs of one type and produces the finished pack bytes, in a buffer rented
/// from the repository's buffer pool (returned by <see cref="Release"/>). Not thread-safe.
/// </summary>
internal sealed class PackBuilder
{
    private readonly List<(ObjectId Id, BlobType Type, long Offset, int Length, int Uncompressed)> _entries = [];
    private readonly int _expectedSize;
    private byte[] _buffer = [];
    private int _length;

    /// <summary>A builder whose buffer (<paramref name="expectedSize"/> bytes at first) is rented when the first blob comes.</summary>
    public PackBuilder(BlobType type, int expectedSize = 0)
    {
        Type = type;
        _expectedSize = Math.Max(expectedSize, 64 * 1024);
    }

    public BlobType Type { get; }

    public long Size => _length;

    public int Count => _entries.Count;

    public void Add(ObjectId id, ReadOnlySpan<byte> sealedBlob, int uncompressedLength)
    {
        _entries.Add((id, Type, _length, sealedBlob.Length, uncompressedLength));
        Append(sealedBlob);
    }

    /// <summary>Appends the sealed header and its length; returns the pack bytes (valid until <see cref="Release"/>), its ID and its blobs.</summary>
    public (ReadOnlyMemory<byte> Bytes, ObjectId Id, List<PackedBlob> Blobs) Finish(MasterKey key)
    {
        var provisional = _entries.Select(e => new PackedBlob(e.Id, e.Type, default, e.Offset, e.Length, e.Uncompressed)).ToList();
        var header = key.Seal(PackHeader.Encode(provisional));
        Append(header);
        Span<byte> length = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(length, (uint)header.Length);
        Append(length);
        var bytes = _buffer.AsMemory(0, _length);
        var id = ObjectId.Hash(bytes.Span);
        var blobs = provisional.Select(b => b with { PackId = id }).ToList();
        return (bytes, id, blobs);
    }

    /// <summary>Returns the buffer to the pool; the builder must not be used afterwards.</summary>
    public void Release()
    {
        var buffer = _buffer;
        _buffer = [];
        _length = 0;
        if (buffer.Length > 0)
        {
            Keepsake.Repository.Internal.BufferPool.Shared.Return(buffer);
        }
    }

    private void Append(ReadOnlySpan<byte> data)
    {
        if (_length + data.Length > _buffer.Length)
        {
            var bigger = Keepsake.Repository.Internal.BufferPool.Shared.Rent(Math.Max(Math.Max(_buffer.Length * 2, _expectedSize), _length + data.Length));
            _buffer.AsSpan(0, _length).CopyTo(bigger);
            if (_buffer.Length > 0)
            {
                Keepsake.Repository.Internal.BufferPool.Shared.Return(_buffer);
            }

            _buffer = bigger;
        }

        data.CopyTo(_buffer.AsSpan(_length));
        _length += data.Length;
    }
}
