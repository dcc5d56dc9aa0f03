using Keepsake.Repository.Backends;
using Keepsake.Repository.Index;
using Keepsake.Repository.Internal;
using Keepsake.Repository.Packs;
using Keepsake.Repository.Snapshots;
using Keepsake.Repository.Trees;

namespace Keepsake.Repository;

public sealed partial class Repository
{
    /// <summary>
    /// Rebuilds the index from the packs themselves, as restic 0.14's <c>rebuild-index</c> does: under
    /// an exclusive lock, reads every pack's header, writes new index files covering every pack whose
    /// header reads (superseding all old index files), and only then deletes the old index files,
    /// damaged ones included. A pack whose header cannot be read is reported and left in place, in no
    /// index; its blobs count as missing, which <see cref="RepairSnapshotsAsync"/> then handles. See
    /// docs/design/repository-format.md, "Repair".
    /// </summary>
    public async Task<RepairIndexResult> RepairIndexAsync(IProgress<string>? progress = null, CancellationToken cancellationToken = default)
    {
        await using var repoLock = (await LockAsync(exclusive: true, cancellationToken).ConfigureAwait(false)).ConfigureAwait(false);
        var oldIndexFiles = new List<string>();
        await foreach (var file in Backend.ListAsync(FileType.Index, cancellationToken).ConfigureAwait(false))
        {
            oldIndexFiles.Add(file.Name);
        }

        var packs = new List<(ObjectId PackId, IReadOnlyList<PackedBlob> Blobs)>();
        var unreadable = new List<RepositoryCorruptedException>();
        await foreach (var file in Backend.ListAsync(FileType.Pack, cancellationToken).ConfigureAwait(false))
        {
            var packId = ObjectId.Parse(file.Name);
            try
            {
                packs.Add((packId, await LoadPackHeaderAsync(packId, file.Size, cancellationToken).ConfigureAwait(false)));
            }
            catch (RepositoryCorruptedException e)
            {
                unreadable.Add(e);
            }
        }

        packs.Sort((a, b) => a.PackId.CompareTo(b.PackId));
        progress?.Report($"read the headers of {packs.Count} packs ({unreadable.Count} unreadable)");
        var supersedes = oldIndexFiles.Select(n => ObjectId.TryParse(n, out var id) ? id : (ObjectId?)null).OfType<ObjectId>().ToList();
        var index = new MasterIndex();
        var written = await WriteIndexFilesAsync(packs, supersedes, index, cancellationToken).ConfigureAwait(false);
        var removed = new List<string>();
        foreach (var name in oldIndexFiles)
        {
            if (!written.Any(w => string.Equals(w.ToString(), name, StringComparison.Ordinal)))
            {
                await Backend.RemoveAsync(FileType.Index, name, cancellationToken).ConfigureAwait(false);
                removed.Add(name);
            }
        }

        foreach (var key in _skipped.Keys.Where(k => k.StartsWith("index ", StringComparison.Ordinal)).ToList())
        {
            _skipped.TryRemove(key, out _);
        }

        _index = index;
        _unindexed = null;
        return new RepairIndexResult(packs.Count, packs.Sum(p => (long)p.Blobs.Count), written, removed, unreadable);
    }

    /// <summary>
    /// Repairs damaged snapshots with the semantics of restic's <c>repair snapshots</c>: under an
    /// exclusive lock, walks each snapshot's trees; a file whose content needs a missing blob (not in
    /// the index nor any pack header, or in a pack that is gone) keeps only the blobs that exist, with
    /// its size corrected; a folder whose tree cannot be read becomes an empty folder. Each damaged
    /// snapshot is written anew (with <c>original</c> naming the old one), and with
    /// <paramref name="forget"/> the old one is removed, as are snapshot files that cannot be read at
    /// all (restic leaves those to <c>forget</c>, which cannot load them). A snapshot whose root tree is
    /// unreadable holds nothing to keep and is only reported. <paramref name="dryRun"/> writes and
    /// removes nothing. Run <see cref="RepairIndexAsync"/> first when an index file is damaged.
    /// </summary>
    public async Task<RepairSnapshotsResult> RepairSnapshotsAsync(bool forget, bool dryRun, IProgress<string>? progress = null, CancellationToken cancellationToken = default)
    {
        await using var repoLock = (await LockAsync(exclusive: true, cancellationToken).ConfigureAwait(false)).ConfigureAwait(false);
        InvalidateIndex();
        var index = await GetIndexAsync(cancellationToken).ConfigureAwait(false);
        var stored = new HashSet<ObjectId>();
        await foreach (var file in Backend.ListAsync(FileType.Pack, cancellationToken).ConfigureAwait(false))
        {
            stored.Add(ObjectId.Parse(file.Name));
        }

        // Blobs are judged present by the index: with an index that misses packs, content that is
        // there would be thrown away. restic asks for a correct index first; so do we.
        // (A pack in no index whose header cannot be read holds nothing usable and does not count.)
        if (_skipped.Values.FirstOrDefault(d => d.ObjectType == "index") is { } damagedIndex)
        {
            throw new RepositoryCorruptedException(damagedIndex.ObjectType, damagedIndex.ObjectId, $"{damagedIndex.Problem}; run 'repair index' before 'repair snapshots'", innerException: damagedIndex);
        }

        var unindexed = await GetUnindexedPacksAsync(index, cancellationToken).ConfigureAwait(false);
        if (unindexed.Packs.Count > 0)
        {
            throw new RepositoryCorruptedException("pack", unindexed.Packs.Keys.Min().ToString(), "is in no index file; run 'repair index' before 'repair snapshots'");
        }

        var snapshots = new List<Snapshot>();
        var unreadable = new List<RepositoryCorruptedException>();
        await foreach (var file in Backend.ListAsync(FileType.Snapshot, cancellationToken).ConfigureAwait(false))
        {
            try
            {
                snapshots.Add(await LoadSnapshotAsync(ObjectId.Parse(file.Name), cancellationToken).ConfigureAwait(false));
            }
            catch (RepositoryCorruptedException e)
            {
                unreadable.Add(e);
            }
        }

        snapshots.Sort((a, b) => a.Time != b.Time ? a.Time.CompareTo(b.Time) : a.Id.CompareTo(b.Id));
        var saver = dryRun ? null : new BlobSaver(this, index, cancellationToken);
        var walker = new TreeRepairer(this, index, stored, saver);
        var found = new List<(Snapshot Snapshot, ObjectId? NewRoot, List<string> Changes)>();
        var intact = 0;
        try
        {
            foreach (var snapshot in snapshots)
            {
                var changes = new List<string>();
                var root = await walker.RepairAsync(snapshot.Tree, "/", changes, cancellationToken).ConfigureAwait(false);
                if (root == snapshot.Tree)
                {
                    intact++;
                    continue;
                }

                progress?.Report($"snapshot {snapshot.ShortId}: {changes.Count} damaged entries");
                found.Add((snapshot, root, changes));
            }

            if (saver is not null)
            {
                await saver.FlushAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        catch when (saver is not null)
        {
            await saver.AbortAsync().ConfigureAwait(false);
            throw;
        }

        var repairs = new List<SnapshotRepair>();
        foreach (var (snapshot, root, changes) in found)
        {
            if (root is null)
            {
                repairs.Add(new SnapshotRepair(snapshot, changes, null, false) { RootUnreadable = true });
                continue;
            }

            Snapshot? repaired = null;
            if (!dryRun)
            {
                repaired = await SaveSnapshotAsync(snapshot.With(tree: root.Value, original: snapshot.Original ?? snapshot.Id), cancellationToken).ConfigureAwait(false);
                if (forget)
                {
                    await Backend.RemoveAsync(FileType.Snapshot, snapshot.Id.ToString(), cancellationToken).ConfigureAwait(false);
                }
            }

            repairs.Add(new SnapshotRepair(snapshot, changes, repaired, forget && !dryRun));
        }

        var unreadableRemoved = forget && !dryRun && unreadable.Count > 0;
        if (unreadableRemoved)
        {
            foreach (var damage in unreadable)
            {
                await Backend.RemoveAsync(FileType.Snapshot, damage.ObjectId, cancellationToken).ConfigureAwait(false);
                _skipped.TryRemove(damage.ObjectType + " " + damage.ObjectId, out _);
            }
        }

        return new RepairSnapshotsResult(intact, repairs, unreadable, unreadableRemoved);
    }

    /// <summary>Rewrites trees with what is still there; each tree is repaired once.</summary>
    private sealed class TreeRepairer(Repository repository, MasterIndex index, HashSet<ObjectId> stored, BlobSaver? saver)
    {
        private readonly Dictionary<ObjectId, (ObjectId? Id, List<string> Changes)> _done = [];
        private ObjectId? _emptyTree;

        /// <summary>The tree to use instead of <paramref name="treeId"/> (itself when intact), or null when it cannot be read.</summary>
        public async Task<ObjectId?> RepairAsync(ObjectId treeId, string path, List<string> changes, CancellationToken cancellationToken)
        {
            if (_done.TryGetValue(treeId, out var known))
            {
                changes.AddRange(known.Changes.Select(c => path == "/" ? c : path + c));
                return known.Id;
            }

            // Changes are recorded relative to this tree, so a tree shared by several folders or snapshots is walked once.
            var mine = new List<string>();
            var result = await RepairCoreAsync(treeId, mine, cancellationToken).ConfigureAwait(false);
            _done[treeId] = (result, mine);
            changes.AddRange(mine.Select(c => path == "/" ? c : path + c));
            return result;
        }

        private async Task<ObjectId?> RepairCoreAsync(ObjectId treeId, List<string> changes, CancellationToken cancellationToken)
        {
            Tree tree;
            try
            {
                tree = await repository.LoadTreeAsync(treeId, cancellationToken).ConfigureAwait(false);
            }
            catch (RepositoryCorruptedException)
            {
                return null;
            }

            var nodes = new List<Node>(tree.Nodes.Count);
            var changed = false;
            foreach (var node in tree.Nodes)
            {
                var name = "/" + node.Name;
                if (node.Type == NodeType.File && node.Content is { } content)
                {
                    var kept = new List<ObjectId>(content.Count);
                    ulong size = 0;
                    foreach (var id in content)
                    {
                        if (Locate(id, BlobType.Data) is { } blob)
                        {
                            kept.Add(id);
                            size += (ulong)blob.PlaintextLength;
                        }
                    }

                    if (kept.Count != content.Count)
                    {
                        changes.Add($"{name}: file: removed {content.Count - kept.Count} of {content.Count} blobs of missing content");
                        nodes.Add(node.WithData(kept, node.Subtree, size));
                        changed = true;
                        continue;
                    }
                }
                else if (node is { Type: NodeType.Dir, Subtree: { } sub })
                {
                    var inner = new List<string>();
                    var repaired = await RepairAsync(sub, name, inner, cancellationToken).ConfigureAwait(false);
                    changes.AddRange(inner);
                    if (repaired is null)
                    {
                        changes.Add($"{name}: folder: its tree is damaged or missing; replaced with an empty folder");
                        repaired = await EmptyTreeAsync().ConfigureAwait(false);
                    }

                    if (repaired != sub)
                    {
                        nodes.Add(node.WithData(node.Content, repaired, node.Size));
                        changed = true;
                        continue;
                    }
                }

                nodes.Add(node);
            }

            return changed ? await SaveTreeAsync(new Tree(nodes)).ConfigureAwait(false) : treeId;
        }

        private PackedBlob? Locate(ObjectId id, BlobType type) =>
            index.Find(id, type) is { } blob && stored.Contains(blob.PackId) ? blob : null;

        private async Task<ObjectId> EmptyTreeAsync() => _emptyTree ??= await SaveTreeAsync(new Tree([])).ConfigureAwait(false);

        private async Task<ObjectId> SaveTreeAsync(Tree tree)
        {
            var bytes = TreeJson.Serialize(tree);
            var id = ObjectId.Hash(bytes);
            if (saver is not null && Locate(id, BlobType.Tree) is null)
            {
                await saver.SaveAsync(BlobType.Tree, id, bytes).ConfigureAwait(false);
            }

            return id;
        }
    }
}
