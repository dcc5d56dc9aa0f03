namespace Keepsake.Repository.Packs;

/// <summary>
/// Where a blob lives: its pack, its offset and length there (sealed, possibly compressed bytes),
/// and, for a compressed blob, its plaintext length (0 when stored uncompressed).
/// </summary>
public sealed record PackedBlob(ObjectId Id, BlobType Type, ObjectId PackId, long Offset, int Length, int UncompressedLength)
{
    /// <summary>Whether the stored bytes are zstd-compressed.</summary>
    public bool IsCompressed => UncompressedLength > 0;

    /// <summary>The plaintext length.</summary>
    public int PlaintextLength => IsCompressed ? UncompressedLength : Length - Crypto.MasterKey.Overhead;
}
