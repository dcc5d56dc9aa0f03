using System.Buffers.Binary;

namespace Keepsake.Repository.Packs;

/// <summary>
/// The pack header: a sealed list of entries at the end of a pack, followed by its sealed length as
/// a 4-byte little-endian integer. Each entry is <c>type(1) ‖ length(4 LE) ‖ [uncompressed length(4 LE)] ‖ id(32)</c>;
/// types 0 data, 1 tree, 2 compressed data, 3 compressed tree. See docs/design/repository-format.md, "Packs".
/// </summary>
public static class PackHeader
{
    /// <summary>Length of an uncompressed-blob entry.</summary>
    public const int PlainEntrySize = 1 + 4 + ObjectId.Size;

    /// <summary>Length of a compressed-blob entry.</summary>
    public const int CompressedEntrySize = 1 + 4 + 4 + ObjectId.Size;

    /// <summary>The largest header we accept (restic's reader caps it likewise).</summary>
    public const int MaxHeaderSize = 16 * 1024 * 1024;

    /// <summary>Encodes the plaintext header for <paramref name="blobs"/> in pack order.</summary>
    public static byte[] Encode(IReadOnlyList<PackedBlob> blobs)
    {
        ArgumentNullException.ThrowIfNull(blobs);
        var size = blobs.Sum(b => b.IsCompressed ? CompressedEntrySize : PlainEntrySize);
        var buffer = new byte[size];
        var pos = 0;
        foreach (var blob in blobs)
        {
            var type = (byte)((blob.Type == BlobType.Tree ? 1 : 0) | (blob.IsCompressed ? 2 : 0));
            buffer[pos++] = type;
            BinaryPrimitives.WriteUInt32LittleEndian(buffer.AsSpan(pos), (uint)blob.Length);
            pos += 4;
            if (blob.IsCompressed)
            {
                BinaryPrimitives.WriteUInt32LittleEndian(buffer.AsSpan(pos), (uint)blob.UncompressedLength);
                pos += 4;
            }

            blob.Id.CopyTo(buffer.AsSpan(pos));
            pos += ObjectId.Size;
        }

        return buffer;
    }

    /// <summary>Parses a decrypted header; offsets are computed by adding up the lengths from 0.</summary>
    /// <exception cref="RepositoryCorruptedException">An entry is truncated or has an unknown type.</exception>
    public static List<PackedBlob> Decode(ReadOnlySpan<byte> header, ObjectId packId)
    {
        var result = new List<PackedBlob>();
        long offset = 0;
        var pos = 0;
        while (pos < header.Length)
        {
            var type = header[pos];
            if (type > 3)
            {
                throw new RepositoryCorruptedException("pack", packId.ToString(), $"header entry of unknown type {type}", pos);
            }

            var compressed = (type & 2) != 0;
            var entrySize = compressed ? CompressedEntrySize : PlainEntrySize;
            if (header.Length - pos < entrySize)
            {
                throw new RepositoryCorruptedException("pack", packId.ToString(), "header entry truncated", pos);
            }

            var length = BinaryPrimitives.ReadUInt32LittleEndian(header[(pos + 1)..]);
            var uncompressed = compressed ? BinaryPrimitives.ReadUInt32LittleEndian(header[(pos + 5)..]) : 0;
            if (length < Crypto.MasterKey.Overhead || length > int.MaxValue || uncompressed > int.MaxValue || (compressed && uncompressed == 0))
            {
                throw new RepositoryCorruptedException("pack", packId.ToString(), $"header entry with impossible length {length}", pos);
            }

            var id = new ObjectId(header.Slice(pos + entrySize - ObjectId.Size, ObjectId.Size));
            result.Add(new PackedBlob(id, (type & 1) != 0 ? BlobType.Tree : BlobType.Data, packId, offset, (int)length, (int)uncompressed));
            offset += length;
            pos += entrySize;
        }

        return result;
    }
}
