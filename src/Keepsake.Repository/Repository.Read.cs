using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using Keepsake.Primitives;
using Keepsake.Repository.Snapshots;
using Keepsake.Repository.Trees;

namespace Keepsake.Repository;

public sealed partial class Repository
{
    /// <summary>
    /// Every node of the snapshot (or of the folder <paramref name="subPath"/> in it), depth first,
    /// parents before children, with '/'-separated paths.
    /// </summary>
    /// <exception cref="RepositoryCorruptedException">A tree on the way is damaged or missing.</exception>
    public IAsyncEnumerable<SnapshotEntry> EnumerateAsync(Snapshot snapshot, string? subPath = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        return EnumerateCoreAsync(snapshot, subPath, onDamagedTree: null, cancellationToken);
    }

    /// <summary>
    /// As <see cref="EnumerateAsync"/>; with <paramref name="onDamagedTree"/>, a damaged or missing
    /// subtree is handed to it (with the folder's path) and skipped instead of ending the walk.
    /// </summary>
    private async IAsyncEnumerable<SnapshotEntry> EnumerateCoreAsync(Snapshot snapshot, string? subPath, Action<string, RepositoryCorruptedException>? onDamagedTree, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var (start, prefix) = await ResolveFolderAsync(snapshot, subPath, cancellationToken).ConfigureAwait(false);
        var stack = new Stack<(ObjectId Tree, string Prefix)>();
        stack.Push((start, prefix));
        while (stack.Count > 0)
        {
            var (treeId, path) = stack.Pop();
            Tree tree;
            try
            {
                tree = await LoadTreeAsync(treeId, cancellationToken).ConfigureAwait(false);
            }
            catch (RepositoryCorruptedException e) when (onDamagedTree is not null)
            {
                onDamagedTree(path, e);
                continue;
            }

            var subdirs = new List<(ObjectId, string)>();
            foreach (var node in tree.Nodes)
            {
                ValidateName(node.Name, treeId);
                var childPath = path == "/" ? "/" + node.Name : path + "/" + node.Name;
                yield return new SnapshotEntry(childPath, node);
                if (node is { Type: NodeType.Dir, Subtree: { } sub })
                {
                    subdirs.Add((sub, childPath));
                }
            }

            for (var i = subdirs.Count - 1; i >= 0; i--)
            {
                stack.Push(subdirs[i]);
            }
        }
    }

    /// <summary>The node at <paramref name="path"/> ('/'-separated) in the snapshot, or null.</summary>
    public async Task<Node?> FindNodeAsync(Snapshot snapshot, string path, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        ArgumentNullException.ThrowIfNull(path);
        var parts = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length == 0)
        {
            return null;
        }

        var treeId = snapshot.Tree;
        Node? node = null;
        foreach (var part in parts)
        {
            if (node is not null)
            {
                if (node is not { Type: NodeType.Dir, Subtree: { } sub })
                {
                    return null;
                }

                treeId = sub;
            }

            var tree = await LoadTreeAsync(treeId, cancellationToken).ConfigureAwait(false);
            node = tree.Find(part);
            if (node is null)
            {
                return null;
            }
        }

        return node;
    }

    /// <summary>Opens a file of the snapshot for forward-only reading; blobs are fetched and verified lazily.</summary>
    /// <exception cref="FileNotFoundException">No file at that path.</exception>
    public async Task<SnapshotFileStream> OpenFileAsync(Snapshot snapshot, string path, CancellationToken cancellationToken = default)
    {
        var node = await FindNodeAsync(snapshot, path, cancellationToken).ConfigureAwait(false);
        return node is { Type: NodeType.File }
            ? new SnapshotFileStream(this, node)
            : throw new FileNotFoundException($"Snapshot {snapshot.ShortId} has no file '{path}'.", path);
    }

    /// <summary>Opens a file node (from <see cref="EnumerateAsync"/>) for forward-only reading.</summary>
    public SnapshotFileStream OpenFile(Node node)
    {
        ArgumentNullException.ThrowIfNull(node);
        return node.Type == NodeType.File ? new SnapshotFileStream(this, node) : throw new ArgumentException("Not a file node.", nameof(node));
    }

    /// <summary>
    /// Restores the snapshot (or its folder <see cref="RestoreOptions.SubPath"/>) into
    /// <paramref name="targetFolder"/>. Every blob is verified (MAC and SHA-256) before it is
    /// written; each file is written under a temporary name and renamed into place only when complete;
    /// every name goes through <see cref="SafePath"/>, so nothing lands outside the target. A damaged
    /// or missing blob costs only the files (or, for a tree, the folder) that need it: the rest is
    /// restored and each loss is listed in <see cref="RestoreResult.Errors"/>.
    /// </summary>
    public async Task<RestoreResult> RestoreAsync(Snapshot snapshot, string targetFolder, RestoreOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        ArgumentException.ThrowIfNullOrEmpty(targetFolder);
        options ??= new RestoreOptions();
        Directory.CreateDirectory(targetFolder);
        var safe = new SafePath(targetFolder);
        var (start, prefix) = await ResolveFolderAsync(snapshot, options.SubPath, cancellationToken).ConfigureAwait(false);
        long files = 0, dirs = 0, bytes = 0;
        var errors = new List<string>();
        var dirTimes = new List<(string Path, Node Node)>();

        // Folders and links are made while walking; files are written by several workers at once.
        void OnDamagedTree(string path, RepositoryCorruptedException e)
        {
            lock (errors)
            {
                errors.Add($"{path}: folder not restored: {e.Message}");
            }
        }

        async IAsyncEnumerable<(Node Node, string Target, string Path)> WalkAsync()
        {
            await foreach (var entry in EnumerateCoreAsync(snapshot, options.SubPath, OnDamagedTree, cancellationToken).ConfigureAwait(false))
            {
                var relative = prefix == "/" ? entry.Path[1..] : entry.Path[(prefix.Length + 1)..];
                if (options.Include is not null && !options.Include(entry.Path) && entry.Node.Type != NodeType.Dir)
                {
                    continue;
                }

                var target = safe.ResolveNoFollow(relative);
                var node = entry.Node;
                switch (node.Type)
                {
                    case NodeType.Dir:
                        Directory.CreateDirectory(target);
                        dirTimes.Add((target, node));
                        dirs++;
                        break;
                    case NodeType.File:
                        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                        yield return (node, target, entry.Path);
                        break;
                    case NodeType.Symlink when node.LinkTarget is not null:
                        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                        if (File.Exists(target) || new FileInfo(target).LinkTarget is not null)
                        {
                            File.Delete(target);
                        }

                        File.CreateSymbolicLink(target, node.LinkTarget);
                        break;
                    default:
                        lock (errors)
                        {
                            errors.Add($"{entry.Path}: {node.Type} entries are not restored");
                        }

                        break;
                }
            }
        }

        await Parallel.ForEachAsync(
            WalkAsync(),
            new ParallelOptions { MaxDegreeOfParallelism = 4, CancellationToken = cancellationToken },
            async (job, token) =>
            {
                try
                {
                    var existing = options.SkipExisting ? new FileInfo(job.Target) : null;
                    var written = existing is { Exists: true } && existing.Length == (long)job.Node.Size && existing.LastWriteTimeUtc == job.Node.ModTime.UtcDateTime
                        ? existing.Length
                        : await RestoreFileAsync(job.Node, job.Target, token).ConfigureAwait(false);
                    var total = Interlocked.Add(ref bytes, written);
                    var count = Interlocked.Increment(ref files);
                    options.Progress?.Report(new WorkProgress("restoring", "files", count, null, total, options.TotalBytes));
                }
                catch (RepositoryCorruptedException e)
                {
                    lock (errors)
                    {
                        errors.Add($"{job.Path}: not restored: {e.Message}");
                    }
                }
            }).ConfigureAwait(false);

        // Directory times last, deepest first, since writing into a folder changes its mtime.
        for (var i = dirTimes.Count - 1; i >= 0; i--)
        {
            var (path, node) = dirTimes[i];
            try
            {
                if (!OperatingSystem.IsWindows() && node.Mode != 0)
                {
                    File.SetUnixFileMode(path, GoFileMode.ToUnixPermissions(node.Mode) | UnixFileMode.UserExecute | UnixFileMode.UserWrite | UnixFileMode.UserRead);
                }

                Directory.SetLastWriteTimeUtc(path, node.ModTime.UtcDateTime);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
            {
                lock (errors)
                {
                    errors.Add($"{path}: {e.Message}");
                }
            }
        }

        _ = start;
        errors.Sort(StringComparer.Ordinal);
        return new RestoreResult(files, dirs, bytes, errors);
    }

    private async Task<long> RestoreFileAsync(Node node, string target, CancellationToken cancellationToken)
    {
        var folder = Path.GetDirectoryName(target)!;
        var temp = Path.Combine(folder, "." + Path.GetFileName(target) + ".keepsake-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4)) + ".tmp");
        long written = 0;
        try
        {
            var output = new FileStream(temp, new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, BufferSize = 0 });
            await using (output.ConfigureAwait(false))
            {
                foreach (var id in node.Content ?? [])
                {
                    written += await CopyBlobToAsync(id, output, cancellationToken).ConfigureAwait(false);
                }

            }

            if (!OperatingSystem.IsWindows() && node.Mode != 0)
            {
                File.SetUnixFileMode(temp, GoFileMode.ToUnixPermissions(node.Mode));
            }

            File.SetLastWriteTimeUtc(temp, node.ModTime.UtcDateTime);
            File.Move(temp, target, overwrite: true);
            return written;
        }
        catch
        {
            try
            {
                File.Delete(temp);
            }
            catch (IOException)
            {
            }
            catch (UnauthorizedAccessException)
            {
            }

            throw;
        }
    }

    private async Task<(ObjectId Tree, string Prefix)> ResolveFolderAsync(Snapshot snapshot, string? subPath, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(subPath) || subPath.Trim('/').Length == 0)
        {
            return (snapshot.Tree, "/");
        }

        var node = await FindNodeAsync(snapshot, subPath, cancellationToken).ConfigureAwait(false);
        if (node is not { Type: NodeType.Dir, Subtree: { } sub })
        {
            throw new DirectoryNotFoundException($"Snapshot {snapshot.ShortId} has no folder '{subPath}'.");
        }

        return (sub, "/" + string.Join('/', subPath.Split('/', StringSplitOptions.RemoveEmptyEntries)));
    }

    private static void ValidateName(string name, ObjectId treeId)
    {
        if (name.Length == 0 || name is "." or ".." || name.Contains('/', StringComparison.Ordinal) || name.Contains('\0', StringComparison.Ordinal)
            || (OperatingSystem.IsWindows() && name.Contains('\\', StringComparison.Ordinal)))
        {
            throw new RepositoryCorruptedException("tree blob", treeId.ToString(), $"node name '{name.Replace("\0", "\\0", StringComparison.Ordinal)}' is not a single path segment");
        }
    }
}
