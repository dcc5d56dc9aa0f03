using Keepsake.Repository.Backends;
using Keepsake.Repository.Index;
using Keepsake.Repository.Packs;

namespace Keepsake.Repository;

public sealed partial class Repository
{
    /// <summary>Blobs per index file, so that each file stays well under restic's 8 MiB guideline.</summary>
    private const int BlobsPerIndexFile = 40_000;

    /// <summary>
    /// Writes index files describing <paramref name="packs"/> (split to keep each file small); the
    /// first lists <paramref name="supersedes"/>. Adds them to <paramref name="index"/>.
    /// </summary>
    internal async Task<List<ObjectId>> WriteIndexFilesAsync(
        IReadOnlyList<(ObjectId PackId, IReadOnlyList<PackedBlob> Blobs)> packs,
        IReadOnlyList<ObjectId> supersedes,
        MasterIndex? index,
        CancellationToken cancellationToken)
    {
        var ids = new List<ObjectId>();
        var batch = new Dictionary<ObjectId, IReadOnlyList<PackedBlob>>();
        var count = 0;
        async Task WriteBatchAsync()
        {
            var file = new IndexFile(batch, ids.Count == 0 ? supersedes : []);
            var id = await SaveUnpackedAsync(FileType.Index, file.ToJson(), cancellationToken).ConfigureAwait(false);
            ids.Add(id);
            index?.AddFile(id, file);
            batch = [];
            count = 0;
        }

        foreach (var (packId, blobs) in packs)
        {
            batch[packId] = blobs;
            count += blobs.Count;
            if (count >= BlobsPerIndexFile)
            {
                await WriteBatchAsync().ConfigureAwait(false);
            }
        }

        if (batch.Count > 0 || (ids.Count == 0 && supersedes.Count > 0))
        {
            await WriteBatchAsync().ConfigureAwait(false);
        }

        return ids;
    }
}
