using Keepsake.Repository.Internal;
using Keepsake.Repository.Snapshots;
using Keepsake.Repository.Trees;

namespace Keepsake.Repository;

public sealed partial class Repository
{
    /// <summary>
    /// Copies snapshots into <paramref name="target"/> (another repository, with its own keys and
    /// polynomial): every blob the target lacks is read and verified here, then compressed and sealed
    /// with the target's key. Trees keep their bytes, so blob and tree IDs stay the same and the target
    /// deduplicates against what it holds. Snapshots the target already has (same time, tree, host
    /// and paths) are skipped. The copies record the source snapshot as "original" and have no parent
    /// (as restic's copy does).
    /// </summary>
    public Task<CopyResult> CopyToAsync(Repository target, IEnumerable<Snapshot> snapshots, CancellationToken cancellationToken = default) =>
        CopyToAsync(target, snapshots, null, cancellationToken);

    /// <summary>As <see cref="CopyToAsync(Repository, IEnumerable{Snapshot}, CancellationToken)"/>, reporting snapshots done and bytes read to <paramref name="progress"/>.</summary>
    public async Task<CopyResult> CopyToAsync(Repository target, IEnumerable<Snapshot> snapshots, IProgress<WorkProgress>? progress, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(snapshots);
        var selected = snapshots.ToList();
        long done = 0, bytesRead = 0;
        ArgumentNullException.ThrowIfNull(snapshots);
        await using var sourceLock = (await LockAsync(exclusive: false, cancellationToken).ConfigureAwait(false)).ConfigureAwait(false);
        await using var targetLock = (await target.LockAsync(exclusive: false, cancellationToken).ConfigureAwait(false)).ConfigureAwait(false);
        var targetIndex = await target.GetIndexAsync(cancellationToken).ConfigureAwait(false);
        var existing = await target.ListSnapshotsAsync(cancellationToken).ConfigureAwait(false);
        var saver = new BlobSaver(target, targetIndex, cancellationToken);
        var copied = new List<Snapshot>();
        var present = 0;
        long blobs = 0;
        var toSave = new List<Snapshot>();
        try
        {
            var visited = new HashSet<ObjectId>();
            foreach (var snapshot in selected)
            {
                progress?.Report(new WorkProgress("copying", "snapshots", done++, selected.Count, bytesRead, null));
                if (existing.Any(e => e.Time == snapshot.Time && e.Tree == snapshot.Tree && e.Hostname == snapshot.Hostname && e.Paths.SequenceEqual(snapshot.Paths)))
                {
                    present++;
                    continue;
                }

                var stack = new Stack<ObjectId>();
                stack.Push(snapshot.Tree);
                while (stack.Count > 0)
                {
                    var treeId = stack.Pop();
                    if (!visited.Add(treeId))
                    {
                        continue;
                    }

                    var treeBytes = await LoadBlobAsync(BlobType.Tree, treeId, cancellationToken).ConfigureAwait(false);
                    var tree = TreeJson.Parse(treeBytes, treeId);
                    foreach (var node in tree.Nodes)
                    {
                        if (node is { Type: NodeType.Dir, Subtree: { } sub })
                        {
                            stack.Push(sub);
                        }

                        foreach (var id in node.Content ?? [])
                        {
                            if (!saver.Has(id, BlobType.Data))
                            {
                                var data = await LoadBlobAsync(BlobType.Data, id, cancellationToken).ConfigureAwait(false);
                                bytesRead += data.Length;
                                if (await saver.SaveAsync(BlobType.Data, id, data).ConfigureAwait(false))
                                {
                                    blobs++;
                                }
                            }
                        }
                    }

                    if (await saver.SaveAsync(BlobType.Tree, treeId, treeBytes).ConfigureAwait(false))
                    {
                        blobs++;
                    }
                }

                toSave.Add(snapshot);
            }

            await saver.FlushAsync(cancellationToken).ConfigureAwait(false);
            progress?.Report(new WorkProgress("copying", "snapshots", selected.Count, selected.Count, bytesRead, null));
        }
        catch
        {
            await saver.AbortAsync().ConfigureAwait(false);
            throw;
        }

        foreach (var snapshot in toSave)
        {
            copied.Add(await target.SaveSnapshotAsync(
                snapshot.With(dropParent: true, original: snapshot.Original ?? snapshot.Id),
                cancellationToken).ConfigureAwait(false));
        }

        return new CopyResult(copied, present, blobs, saver.BytesAdded);
    }
}
