namespace Keepsake.Repository.Trees;

/// <summary>A directory listing: nodes sorted by name (byte order of their UTF-8 names).</summary>
public sealed class Tree
{
    public Tree(IReadOnlyList<Node> nodes)
    {
        ArgumentNullException.ThrowIfNull(nodes);
        Nodes = nodes;
    }

    /// <summary>The entries, in name order.</summary>
    public IReadOnlyList<Node> Nodes { get; }

    /// <summary>The node named <paramref name="name"/>, or null.</summary>
    public Node? Find(string name) => Nodes.FirstOrDefault(n => string.Equals(n.Name, name, StringComparison.Ordinal));
}
