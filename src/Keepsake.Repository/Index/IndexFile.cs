using System.Text.Json;
using Keepsake.Repository.Json;
using Keepsake.Repository.Packs;

namespace Keepsake.Repository.Index;

/// <summary>
/// An index file's content: the packs it describes with their blobs, and the index files it
/// supersedes. See docs/design/repository-format.md, "Index files".
/// </summary>
public sealed class IndexFile
{
    /// <summary>Creates an index document.</summary>
    public IndexFile(IReadOnlyDictionary<ObjectId, IReadOnlyList<PackedBlob>> packs, IReadOnlyList<ObjectId> supersedes)
    {
        Packs = packs;
        Supersedes = supersedes;
    }

    /// <summary>Pack ID → its blobs.</summary>
    public IReadOnlyDictionary<ObjectId, IReadOnlyList<PackedBlob>> Packs { get; }

    /// <summary>Index files this one replaces.</summary>
    public IReadOnlyList<ObjectId> Supersedes { get; }

    internal byte[] ToJson()
    {
        var json = new IndexJson
        {
            Supersedes = Supersedes.Count == 0 ? null : [.. Supersedes.Select(s => s.ToString())],
            Packs = [.. Packs.Select(p => new IndexPackJson
            {
                Id = p.Key.ToString(),
                Blobs = [.. p.Value.Select(b => new IndexBlobJson
                {
                    Id = b.Id.ToString(),
                    Type = b.Type == BlobType.Tree ? "tree" : "data",
                    Offset = b.Offset,
                    Length = b.Length,
                    UncompressedLength = b.UncompressedLength,
                })],
            })],
        };
        return JsonSerializer.SerializeToUtf8Bytes(json, RepositoryJsonContext.Go.IndexJson);
    }

    /// <summary>Reads an index file's decrypted JSON; <paramref name="indexId"/> names it in errors.</summary>
    /// <exception cref="RepositoryCorruptedException">The JSON is not a valid index.</exception>
    public static IndexFile Parse(string indexId, ReadOnlySpan<byte> json)
    {
        IndexJson? doc;
        try
        {
            doc = JsonSerializer.Deserialize(json, RepositoryJsonContext.Go.IndexJson);
        }
        catch (JsonException e)
        {
            throw new RepositoryCorruptedException("index", indexId, "not valid index JSON", innerException: e);
        }

        if (doc?.Packs is null)
        {
            throw new RepositoryCorruptedException("index", indexId, "no 'packs' list");
        }

        var packs = new Dictionary<ObjectId, IReadOnlyList<PackedBlob>>();
        foreach (var pack in doc.Packs)
        {
            if (pack is null)
            {
                throw new RepositoryCorruptedException("index", indexId, "a 'packs' entry is null");
            }

            if (!ObjectId.TryParse(pack.Id, out var packId))
            {
                throw new RepositoryCorruptedException("index", indexId, $"pack ID '{pack.Id}' is not a hex ID");
            }

            var blobs = new List<PackedBlob>();
            foreach (var blob in pack.Blobs ?? [])
            {
                if (blob is null)
                {
                    throw new RepositoryCorruptedException("index", indexId, $"a blob entry of pack {packId} is null");
                }

                if (!ObjectId.TryParse(blob.Id, out var blobId) || blob.Type is not ("data" or "tree")
                    || blob.Offset < 0 || blob.Length < Crypto.MasterKey.Overhead || blob.Length > int.MaxValue
                    || blob.UncompressedLength < 0 || blob.UncompressedLength > int.MaxValue)
                {
                    throw new RepositoryCorruptedException("index", indexId, $"invalid blob entry '{blob.Id}' in pack {packId}");
                }

                blobs.Add(new PackedBlob(blobId, blob.Type == "tree" ? BlobType.Tree : BlobType.Data, packId, blob.Offset, (int)blob.Length, (int)blob.UncompressedLength));
            }

            if (packs.TryGetValue(packId, out var existing))
            {
                blobs.InsertRange(0, existing);
            }

            packs[packId] = blobs;
        }

        var supersedes = new List<ObjectId>();
        foreach (var s in doc.Supersedes ?? [])
        {
            if (!ObjectId.TryParse(s, out var sid))
            {
                throw new RepositoryCorruptedException("index", indexId, $"superseded ID '{s}' is not a hex ID");
            }

            supersedes.Add(sid);
        }

        return new IndexFile(packs, supersedes);
    }
}
