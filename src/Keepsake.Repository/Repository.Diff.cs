using Keepsake.Repository.Snapshots;
using Keepsake.Repository.Trees;

namespace Keepsake.Repository;

public sealed partial class Repository
{
    /// <summary>
    /// The differences between two snapshots, in the order and form <c>restic diff</c> prints them:
    /// names sorted, a folder's own change before its contents, added and removed folders listed
    /// with everything in them.
    /// </summary>
    public async Task<IReadOnlyList<SnapshotChange>> DiffAsync(Snapshot from, Snapshot to, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(from);
        ArgumentNullException.ThrowIfNull(to);
        var changes = new List<SnapshotChange>();
        await DiffTreeAsync(changes, "/", from.Tree, to.Tree, cancellationToken).ConfigureAwait(false);
        return changes;
    }

    private async Task DiffTreeAsync(List<SnapshotChange> changes, string prefix, ObjectId a, ObjectId b, CancellationToken cancellationToken)
    {
        var treeA = await LoadTreeAsync(a, cancellationToken).ConfigureAwait(false);
        var treeB = await LoadTreeAsync(b, cancellationToken).ConfigureAwait(false);
        var nodesA = treeA.Nodes.GroupBy(n => n.Name, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        var nodesB = treeB.Nodes.GroupBy(n => n.Name, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        var names = nodesA.Keys.Union(nodesB.Keys, StringComparer.Ordinal).ToList();
        names.Sort(StringComparer.Ordinal);
        foreach (var name in names)
        {
            var inA = nodesA.TryGetValue(name, out var nodeA);
            var inB = nodesB.TryGetValue(name, out var nodeB);
            var path = Join(prefix, name);
            if (inA && inB)
            {
                var mod = string.Empty;
                if (nodeA!.Type != nodeB!.Type)
                {
                    mod += "T";
                }

                var shown = nodeB.Type == NodeType.Dir ? path + "/" : path;
                if (nodeA.Type == NodeType.File && nodeB.Type == NodeType.File && !(nodeA.Content ?? []).SequenceEqual(nodeB.Content ?? []))
                {
                    mod += "M";
                }

                if (mod.Length > 0)
                {
                    changes.Add(new SnapshotChange(shown, mod, FileSize(nodeB)));
                }

                if (nodeA is { Type: NodeType.Dir, Subtree: { } sa } && nodeB is { Type: NodeType.Dir, Subtree: { } sb } && sa != sb)
                {
                    await DiffTreeAsync(changes, path, sa, sb, cancellationToken).ConfigureAwait(false);
                }
            }
            else
            {
                var node = inA ? nodeA! : nodeB!;
                var modifier = inA ? "-" : "+";
                changes.Add(new SnapshotChange(node.Type == NodeType.Dir ? path + "/" : path, modifier, FileSize(node)));
                if (node is { Type: NodeType.Dir, Subtree: { } sub })
                {
                    await ListAllAsync(changes, modifier, path, sub, cancellationToken).ConfigureAwait(false);
                }
            }
        }
    }

    private async Task ListAllAsync(List<SnapshotChange> changes, string modifier, string prefix, ObjectId treeId, CancellationToken cancellationToken)
    {
        var tree = await LoadTreeAsync(treeId, cancellationToken).ConfigureAwait(false);
        foreach (var node in tree.Nodes)
        {
            var path = Join(prefix, node.Name);
            changes.Add(new SnapshotChange(node.Type == NodeType.Dir ? path + "/" : path, modifier, FileSize(node)));
            if (node is { Type: NodeType.Dir, Subtree: { } sub })
            {
                await ListAllAsync(changes, modifier, path, sub, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private static long FileSize(Node node) => node.Type == NodeType.File ? (long)node.Size : 0;

    private static string Join(string prefix, string name) => prefix.EndsWith('/') ? prefix + name : prefix + "/" + name;
}
