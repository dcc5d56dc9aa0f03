using System.Collections.Concurrent;
using Keepsake.BackupFormat;
using Keepsake.Primitives;
using Keepsake.Repository.Snapshots;
using Keepsake.Repository.Trees;

namespace Keepsake.Engine.Vault;

/// <summary>
/// An Apple backup kept in the vault, read in place: the <see cref="IBackupStore"/> over the backup
/// folder stored in a snapshot. Files stream from the vault (every blob verified as it is read), so
/// info, ls, extract and the exporters work on a snapshot without restoring it to disk first.
/// Directory trees are loaded once each and cached.
/// </summary>
public sealed class SnapshotBackupStore : IBackupStore
{
    private readonly Repository.Repository _repository;
    private readonly Snapshot _snapshot;
    private readonly string _folder;
    private readonly ConcurrentDictionary<string, Tree?> _trees = new(StringComparer.Ordinal);

    /// <summary>
    /// Reads the backup folder at <paramref name="folderInSnapshot"/> ('/'-separated, as in the
    /// snapshot's tree); by default the snapshot's first path, where <see cref="ImportJob"/> stores it.
    /// </summary>
    public SnapshotBackupStore(Repository.Repository repository, Snapshot snapshot, string? folderInSnapshot = null)
    {
        ArgumentNullException.ThrowIfNull(repository);
        ArgumentNullException.ThrowIfNull(snapshot);
        _repository = repository;
        _snapshot = snapshot;
        _folder = (folderInSnapshot ?? BackupFolderOf(snapshot)).Trim('/');
    }

    /// <inheritdoc />
    public string Location => $"snapshot {_snapshot.ShortId}:/{_folder}";

    /// <summary>The folder of an imported Apple backup inside <paramref name="snapshot"/>'s tree.</summary>
    public static string BackupFolderOf(Snapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        if (snapshot.Paths.Count != 1)
        {
            throw new ArgumentException($"Snapshot {snapshot.ShortId} holds {snapshot.Paths.Count} paths; an Apple backup snapshot holds one folder.", nameof(snapshot));
        }

        // restic stores a Windows path C:\x as /C/x.
        var path = snapshot.Paths[0].Replace('\\', '/');
        if (path.Length >= 2 && path[1] == ':')
        {
            path = path[0] + path[2..];
        }

        return path.Trim('/');
    }

    /// <inheritdoc />
    public bool FileExists(string name) => Find(name) is { Type: NodeType.File };

    /// <inheritdoc />
    public bool DirectoryExists(string name) => Find(name) is { Type: NodeType.Dir };

    /// <inheritdoc />
    public long GetLength(string name) =>
        Find(name) is { Type: NodeType.File } node ? (long)node.Size : throw NotFound(name);

    /// <inheritdoc />
    public Stream OpenRead(string name) =>
        Find(name) is { Type: NodeType.File } node ? _repository.OpenFile(node) : throw NotFound(name);

    /// <inheritdoc />
    public string? GetLocalPath(string name) => null;

    private FileNotFoundException NotFound(string name) => new($"{Location} has no file '{name}'.", name);

    private Node? Find(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (name.StartsWith('/') || name.Split('/').Any(s => s == ".."))
        {
            throw new PathEscapeException(Location, name, "backup file names are relative and stay inside the backup folder");
        }

        var full = _folder.Length == 0 ? name : _folder + "/" + name;
        var slash = full.LastIndexOf('/');
        var tree = LoadDirectory(slash < 0 ? string.Empty : full[..slash]);
        return tree?.Find(slash < 0 ? full : full[(slash + 1)..]);
    }

    private Tree? LoadDirectory(string directory)
    {
        if (_trees.TryGetValue(directory, out var cached))
        {
            return cached;
        }

        Tree? tree;
        if (directory.Length == 0)
        {
            tree = _repository.LoadTreeAsync(_snapshot.Tree).GetAwaiter().GetResult();
        }
        else
        {
            var slash = directory.LastIndexOf('/');
            var parent = LoadDirectory(slash < 0 ? string.Empty : directory[..slash]);
            var node = parent?.Find(slash < 0 ? directory : directory[(slash + 1)..]);
            tree = node is { Type: NodeType.Dir, Subtree: { } subtree }
                ? _repository.LoadTreeAsync(subtree).GetAwaiter().GetResult()
                : null;
        }

        _trees[directory] = tree;
        return tree;
    }
}
