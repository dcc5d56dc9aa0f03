using Keepsake.Repository.Trees;

namespace Keepsake.Repository;

/// <summary>A node of a snapshot with its path ('/'-separated, starting with '/').</summary>
public sealed record SnapshotEntry(string Path, Node Node);
