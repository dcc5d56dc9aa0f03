using Keepsake.Repository.Backends;
using Keepsake.Repository.Index;
using Keepsake.Repository.Packs;
using Keepsake.Repository.Trees;

namespace Keepsake.Repository;

public sealed partial class Repository
{
    /// <summary>
    /// Removes data no snapshot references, under an exclusive lock. Packs whose blobs are all used
    /// stay; packs with none are deleted; packs with some are repacked (the used blobs, verified,
    /// are copied still sealed into new packs). Order: new packs, then a new index that supersedes
    /// all old index files, then the old index files are deleted, and only then the old packs, so a
    /// crash at any point leaves a repository in which every snapshot is complete.
    /// </summary>
    /// <exception cref="RepositoryCorruptedException">A snapshot file, a tree or a blob to keep is damaged or missing (nothing is deleted then).</exception>
    public Task<PruneResult> PruneAsync(CancellationToken cancellationToken = default) =>
        PruneAsync(TimeSpan.Zero, cancellationToken);

    /// <summary>
    /// As <see cref="PruneAsync(CancellationToken)"/>, but packs written less than
    /// <paramref name="gracePeriod"/> ago are kept whole, used or not (when the backend tells a
    /// pack's age): a device backup that was interrupted has stored packs that no snapshot uses yet,
    /// and its resume must find them.
    /// </summary>
    public Task<PruneResult> PruneAsync(TimeSpan gracePeriod, CancellationToken cancellationToken = default) =>
        PruneAsync(gracePeriod, null, cancellationToken);

    /// <summary>As <see cref="PruneAsync(TimeSpan, CancellationToken)"/>, reporting the packs repacked (and their bytes) to <paramref name="progress"/>.</summary>
    public async Task<PruneResult> PruneAsync(TimeSpan gracePeriod, IProgress<WorkProgress>? progress, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(gracePeriod, TimeSpan.Zero);
        await using var repoLock = (await LockAsync(exclusive: true, cancellationToken).ConfigureAwait(false)).ConfigureAwait(false);
        await Backend.RemoveAbandonedWritesAsync(cancellationToken).ConfigureAwait(false);
        InvalidateIndex();
        var index = await GetIndexAsync(cancellationToken).ConfigureAwait(false);
        if (_skipped.Values.FirstOrDefault(d => d.ObjectType == "index") is { } damagedIndex)
        {
            throw new RepositoryCorruptedException(damagedIndex.ObjectType, damagedIndex.ObjectId, $"{damagedIndex.Problem}; refusing to prune until 'repair index' has rebuilt the index", innerException: damagedIndex);
        }

        // 1. Every blob any snapshot reaches.
        var used = new HashSet<(ObjectId, BlobType)>();
        foreach (var snapshot in await ListEverySnapshotAsync(cancellationToken).ConfigureAwait(false))
        {
            var stack = new Stack<ObjectId>();
            stack.Push(snapshot.Tree);
            while (stack.Count > 0)
            {
                var treeId = stack.Pop();
                if (!used.Add((treeId, BlobType.Tree)))
                {
                    continue;
                }

                var tree = await LoadTreeAsync(treeId, cancellationToken).ConfigureAwait(false);
                foreach (var node in tree.Nodes)
                {
                    if (node.Type == NodeType.File)
                    {
                        foreach (var id in node.Content ?? [])
                        {
                            if (!index.Contains(id, BlobType.Data))
                            {
                                throw new RepositoryCorruptedException("data blob", id.ToString(), $"referenced by tree {treeId} but not in any index; refusing to prune");
                            }

                            used.Add((id, BlobType.Data));
                        }
                    }
                    else if (node is { Type: NodeType.Dir, Subtree: { } sub })
                    {
                        stack.Push(sub);
                    }
                }
            }
        }

        // 2. Classify packs: each used blob is claimed by the first pack that holds it.
        var stored = new Dictionary<ObjectId, long>();
        var young = new HashSet<ObjectId>();
        var cutoff = DateTimeOffset.UtcNow - gracePeriod;
        await foreach (var file in Backend.ListAsync(FileType.Pack, cancellationToken).ConfigureAwait(false))
        {
            stored[ObjectId.Parse(file.Name)] = file.Size;
            if (gracePeriod > TimeSpan.Zero && file.Modified is { } modified && modified > cutoff)
            {
                young.Add(ObjectId.Parse(file.Name));
            }
        }

        var claimed = new HashSet<(ObjectId, BlobType)>();
        var keep = new List<(ObjectId PackId, IReadOnlyList<PackedBlob> Blobs)>();
        var repack = new List<PackedBlob>();
        var remove = new List<ObjectId>();
        var blobsRemoved = 0;
        foreach (var (packId, blobs) in index.Packs.OrderBy(p => p.Key))
        {
            if (!stored.ContainsKey(packId))
            {
                continue;
            }

            var mine = blobs.Where(b => used.Contains((b.Id, b.Type)) && claimed.Add((b.Id, b.Type))).ToList();
            if (mine.Count == blobs.Count || young.Contains(packId))
            {
                keep.Add((packId, blobs));
            }
            else
            {
                repack.AddRange(mine);
                remove.Add(packId);
                blobsRemoved += blobs.Count - mine.Count;
            }
        }

        var missing = used.Where(u => !claimed.Contains(u)).ToList();
        if (missing.Count > 0)
        {
            var (id, type) = missing[0];
            throw new RepositoryCorruptedException(BlobName(type), id.ToString(), $"used, but no indexed pack holds it ({missing.Count} such blobs: a pack or an index file is missing; check lists them); refusing to prune");
        }

        var orphans = stored.Keys.Where(p => !index.Packs.ContainsKey(p) && !young.Contains(p)).ToList();
        if (repack.Count == 0 && remove.Count == 0 && orphans.Count == 0)
        {
            return new PruneResult(keep.Count, 0, 0, 0, 0, 0);
        }

        // 3. Repack the used blobs of partly used packs (sealed bytes copied as they are, after verification).
        var newPacks = new List<(ObjectId PackId, IReadOnlyList<PackedBlob> Blobs)>();
        var builders = new Dictionary<BlobType, PackBuilder> { [BlobType.Data] = new(BlobType.Data), [BlobType.Tree] = new(BlobType.Tree) };
        async Task FlushPackAsync(BlobType type)
        {
            var builder = builders[type];
            if (builder.Count == 0)
            {
                return;
            }

            var (bytes, packId, blobs) = builder.Finish(Key);
            try
            {
                await Backend.SaveAsync(FileType.Pack, packId.ToString(), bytes, cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                builder.Release();
            }

            newPacks.Add((packId, blobs));
            builders[type] = new PackBuilder(type);
        }

        var groups = repack.GroupBy(b => b.PackId).ToList();
        long packsRead = 0, bytesRepacked = 0;
        var bytesToRepack = groups.Sum(g => stored[g.Key]);
        progress?.Report(new WorkProgress("repacking", "packs", 0, groups.Count, 0, bytesToRepack));
        foreach (var group in groups)
        {
            var packBytes = await Backend.LoadAsync(FileType.Pack, group.Key.ToString(), cancellationToken: cancellationToken).ConfigureAwait(false);
            foreach (var blob in group.OrderBy(b => b.Offset))
            {
                if (blob.Offset + blob.Length > packBytes.Length)
                {
                    throw new RepositoryCorruptedException("pack", blob.PackId.ToString(), $"truncated before {BlobName(blob.Type)} {blob.Id}", blob.Offset);
                }

                var raw = packBytes.AsSpan((int)blob.Offset, blob.Length);
                VerifyBlob(blob, raw);
                builders[blob.Type].Add(blob.Id, raw, blob.UncompressedLength);
                if (builders[blob.Type].Size >= Options.PackSize)
                {
                    await FlushPackAsync(blob.Type).ConfigureAwait(false);
                }
            }

            bytesRepacked += stored[group.Key];
            progress?.Report(new WorkProgress("repacking", "packs", ++packsRead, groups.Count, bytesRepacked, bytesToRepack));
        }

        await FlushPackAsync(BlobType.Data).ConfigureAwait(false);
        await FlushPackAsync(BlobType.Tree).ConfigureAwait(false);

        // 4. The new index replaces all old index files; only then old index files and packs go.
        var oldIndexFiles = index.Files.Keys.ToList();
        var fresh = new MasterIndex();
        var written = await WriteIndexFilesAsync([.. keep, .. newPacks], oldIndexFiles, fresh, cancellationToken).ConfigureAwait(false);
        foreach (var old in oldIndexFiles)
        {
            if (!written.Contains(old))
            {
                await Backend.RemoveAsync(FileType.Index, old.ToString(), cancellationToken).ConfigureAwait(false);
            }
        }

        long freed = 0;
        foreach (var packId in remove.Concat(orphans))
        {
            freed += stored[packId];
            await Backend.RemoveAsync(FileType.Pack, packId.ToString(), cancellationToken).ConfigureAwait(false);
        }

        freed -= newPacks.Sum(p => p.Blobs.Sum(b => (long)b.Length));
        _index = fresh;
        return new PruneResult(keep.Count, remove.Count(r => repack.Any(b => b.PackId == r)), remove.Count + orphans.Count, blobsRemoved, freed, written.Count);
    }
}
