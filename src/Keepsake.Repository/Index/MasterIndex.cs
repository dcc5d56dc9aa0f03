using System.Collections.Concurrent;
using Keepsake.Repository.Packs;

namespace Keepsake.Repository.Index;

/// <summary>
/// All index files merged: where each blob is (its first known location) and which blobs each pack
/// holds. Thread-safe for concurrent lookups and additions.
/// </summary>
public sealed class MasterIndex
{
    private readonly ConcurrentDictionary<(ObjectId Id, BlobType Type), PackedBlob> _blobs = new();
    private readonly ConcurrentDictionary<ObjectId, IReadOnlyList<PackedBlob>> _packs = new();
    private readonly ConcurrentDictionary<ObjectId, IndexFile> _files = new();

    /// <summary>The index files loaded, by ID.</summary>
    public IReadOnlyDictionary<ObjectId, IndexFile> Files => _files;

    /// <summary>Every pack known to the index with its blobs.</summary>
    public IReadOnlyDictionary<ObjectId, IReadOnlyList<PackedBlob>> Packs => _packs;

    /// <summary>The number of distinct blobs.</summary>
    public int BlobCount => _blobs.Count;

    /// <summary>Where the blob is, or null.</summary>
    public PackedBlob? Find(ObjectId id, BlobType type) => _blobs.TryGetValue((id, type), out var b) ? b : null;

    /// <summary>Whether the blob is indexed.</summary>
    public bool Contains(ObjectId id, BlobType type) => _blobs.ContainsKey((id, type));

    /// <summary>All distinct blobs (one location each).</summary>
    public IEnumerable<PackedBlob> Blobs => _blobs.Values;

    internal void AddFile(ObjectId indexId, IndexFile file)
    {
        _files[indexId] = file;
        foreach (var (packId, blobs) in file.Packs)
        {
            AddPack(packId, blobs);
        }
    }

    internal void AddPack(ObjectId packId, IReadOnlyList<PackedBlob> blobs)
    {
        _packs[packId] = blobs;
        foreach (var blob in blobs)
        {
            _blobs.TryAdd((blob.Id, blob.Type), blob);
        }
    }
}
