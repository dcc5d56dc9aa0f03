using System.Security.Cryptography;
using Keepsake.Repository.Chunking;
using Keepsake.Repository.Index;
using Keepsake.Repository.Internal;
using Keepsake.Repository.Snapshots;
using Keepsake.Repository.Trees;

namespace Keepsake.Repository;

public sealed partial class Repository
{
    /// <summary>
    /// Backs up <paramref name="sourceFolder"/> as a new snapshot. The snapshot's tree holds the
    /// folder under its absolute path (as restic does: <c>/home/u/x</c> is stored as dirs
    /// <c>home</c> → <c>u</c> → <c>x</c>). Writes packs, then the index, then the snapshot, so an
    /// interrupted backup leaves only unreferenced packs behind.
    /// </summary>
    /// <exception cref="DirectoryNotFoundException">The source folder does not exist.</exception>
    public async Task<BackupResult> BackupAsync(string sourceFolder, BackupOptions? options = null, IProgress<BackupProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(sourceFolder);
        options ??= new BackupOptions();
        var source = Path.TrimEndingDirectorySeparator(Path.GetFullPath(sourceFolder));
        if (!Directory.Exists(source))
        {
            throw new DirectoryNotFoundException($"The folder to back up does not exist: {source}");
        }

        var host = options.Host ?? Options.Hostname;
        string[]? virtualComponents = null;
        if (options.PathInSnapshot is { } inSnapshot)
        {
            virtualComponents = inSnapshot.Split('/', StringSplitOptions.RemoveEmptyEntries);
            if (!inSnapshot.StartsWith('/') || virtualComponents.Length == 0 || virtualComponents.Any(c => c is "." or ".." || c.Contains('\\', StringComparison.Ordinal)))
            {
                throw new ArgumentException($"PathInSnapshot must be an absolute '/'-separated path without '.' or '..' segments: '{inSnapshot}'.", nameof(options));
            }
        }

        var paths = options.Paths ?? [virtualComponents is null ? source : "/" + string.Join('/', virtualComponents)];
        var heldLock = await LockAsync(exclusive: false, cancellationToken).ConfigureAwait(false);
        await using var repoLock = heldLock.ConfigureAwait(false);
        await RemoveAbandonedWritesAsync(heldLock, cancellationToken).ConfigureAwait(false);
        var index = await GetIndexAsync(cancellationToken).ConfigureAwait(false);

        Snapshot? parent = options.NoParent ? null : options.Parent;
        if (parent is null && !options.NoParent)
        {
            parent = (await ListSnapshotsAsync(cancellationToken).ConfigureAwait(false))
                .LastOrDefault(s => s.Hostname == host && s.Paths.SequenceEqual(paths));
        }

        var run = new BackupRun(this, index, progress, cancellationToken);
        try
        {
            var root = await run.SaveRootAsync(source, virtualComponents, parent?.Tree).ConfigureAwait(false);
            await run.Saver.FlushAsync(cancellationToken).ConfigureAwait(false);
            var (uid, gid) = NativeMethods.CurrentIds();
            var snapshot = await SaveSnapshotAsync(
                new Snapshot
                {
                    Time = options.Time ?? DateTimeOffset.Now,
                    Parent = parent?.Id,
                    Tree = root,
                    Paths = paths,
                    Hostname = host,
                    Username = Options.Username,
                    Uid = uid,
                    Gid = gid,
                    Tags = options.Tags,
                },
                cancellationToken).ConfigureAwait(false);
            return new BackupResult
            {
                Snapshot = snapshot,
                FilesNew = run.FilesNew,
                FilesChanged = run.FilesChanged,
                FilesUnmodified = run.FilesUnmodified,
                DirectoriesProcessed = run.Directories,
                BytesRead = run.BytesRead,
                TotalBytes = run.TotalBytes,
                BlobsAdded = run.Saver.BlobsAdded,
                BytesAdded = run.Saver.BytesAdded,
                Errors = run.Errors,
            };
        }
        catch
        {
            await run.Saver.AbortAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>
    /// Starts a snapshot whose files are pushed in (see <see cref="SnapshotWriter"/>) under a shared
    /// lock held until the writer is disposed.
    /// </summary>
    public async Task<SnapshotWriter> OpenSnapshotWriterAsync(CancellationToken cancellationToken = default)
    {
        var repoLock = await LockAsync(exclusive: false, cancellationToken).ConfigureAwait(false);
        try
        {
            await RemoveAbandonedWritesAsync(repoLock, cancellationToken).ConfigureAwait(false);
            var index = await GetIndexAsync(cancellationToken).ConfigureAwait(false);
            await IndexUnindexedPacksAsync(index, cancellationToken).ConfigureAwait(false);
            return new SnapshotWriter(this, repoLock, index, cancellationToken);
        }
        catch
        {
            await repoLock.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>
    /// Packs that a killed run stored but had not indexed yet (it indexes each pack right after
    /// storing it): their headers are read and an index file is written for them, so the next run
    /// finds their content instead of storing it again. A pack whose header does not open (cut
    /// short, or still being written by another process) is left alone.
    /// </summary>
    private async Task IndexUnindexedPacksAsync(MasterIndex index, CancellationToken cancellationToken)
    {
        var found = new List<(ObjectId PackId, IReadOnlyList<Packs.PackedBlob> Blobs)>();
        await foreach (var file in Backend.ListAsync(Backends.FileType.Pack, cancellationToken).ConfigureAwait(false))
        {
            var packId = ObjectId.Parse(file.Name);
            if (index.Packs.ContainsKey(packId))
            {
                continue;
            }

            try
            {
                found.Add((packId, await LoadPackHeaderAsync(packId, file.Size, cancellationToken).ConfigureAwait(false)));
            }
            catch (Exception e) when (e is RepositoryCorruptedException or IOException)
            {
                // Not a complete pack: prune removes it once it is old enough.
            }
        }

        if (found.Count > 0)
        {
            await WriteIndexFilesAsync(found, [], index, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>One backup's walk: files are chunked and hashed here, blobs go to the pipeline.</summary>
    private sealed class BackupRun
    {
        private readonly Repository _repository;
        private readonly MasterIndex _index;
        private readonly IProgress<BackupProgress>? _progress;
        private readonly CancellationToken _cancellationToken;
        private readonly List<string> _errors = [];
        private readonly SemaphoreSlim _fileSlots = new(2, 2);
        private long _filesNew;
        private long _filesChanged;
        private long _filesUnmodified;
        private long _bytesRead;
        private long _totalBytes;
        private long _filesProcessed;

        public BackupRun(Repository repository, MasterIndex index, IProgress<BackupProgress>? progress, CancellationToken cancellationToken)
        {
            _repository = repository;
            _index = index;
            _progress = progress;
            _cancellationToken = cancellationToken;
            Saver = new BlobSaver(repository, index, cancellationToken);
        }

        public BlobSaver Saver { get; }

        public long FilesNew => Interlocked.Read(ref _filesNew);

        public long FilesChanged => Interlocked.Read(ref _filesChanged);

        public long FilesUnmodified => Interlocked.Read(ref _filesUnmodified);

        public long Directories { get; private set; }

        public long BytesRead => Interlocked.Read(ref _bytesRead);

        public long TotalBytes => Interlocked.Read(ref _totalBytes);

        public IReadOnlyList<string> Errors => _errors;

        public async Task<ObjectId> SaveRootAsync(string source, string[]? virtualComponents, ObjectId? parentRoot)
        {
            // Components of the absolute path: "/a/b/c" → ["a", "b", "c"] under the root "/".
            var rootPrefix = Path.GetPathRoot(source) ?? "/";
            var components = virtualComponents ?? source[rootPrefix.Length..].Split(Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries);

            // Find the parent's tree for each level along the path.
            var parentTrees = new ObjectId?[components.Length + 1];
            parentTrees[0] = parentRoot;
            for (var i = 0; i < components.Length; i++)
            {
                var pt = parentTrees[i];
                if (pt is null)
                {
                    break;
                }

                var tree = await TryLoadParentTreeAsync(pt.Value).ConfigureAwait(false);
                var node = tree?.Find(components[i]);
                parentTrees[i + 1] = node?.Type == NodeType.Dir ? node.Subtree : null;
            }

            var subtree = await (await WalkDirectoryAsync(source, parentTrees[components.Length]).ConfigureAwait(false)).ConfigureAwait(false);
            for (var i = components.Length - 1; i >= 0; i--)
            {
                var path = virtualComponents is null ? rootPrefix + string.Join(Path.DirectorySeparatorChar, components[..(i + 1)]) : source;
                var node = NodeFactory.FromPath(path, components[i]) ?? throw new DirectoryNotFoundException($"{path} vanished during the backup.");
                var dirNode = WithSubtree(node, subtree);
                subtree = await SaveTreeAsync(new Tree([dirNode])).ConfigureAwait(false);
            }

            return subtree;
        }

        private async Task<Tree?> TryLoadParentTreeAsync(ObjectId id)
        {
            try
            {
                return await _repository.LoadTreeAsync(id, _cancellationToken).ConfigureAwait(false);
            }
            catch (RepositoryCorruptedException)
            {
                return null;
            }
        }

        /// <summary>
        /// Lists the folder, starts its files and walks its subfolders, and returns a task for its tree,
        /// which is saved once everything in it is. The walk goes on to the next folder meanwhile, so
        /// the file readers never wait for a folder to finish (at most two files are read at once in the
        /// whole backup, each chunked and hashed by its reader). Trees keep name order whatever order
        /// their entries finish in.
        /// </summary>
        private async Task<Task<ObjectId>> WalkDirectoryAsync(string path, ObjectId? parentTreeId)
        {
            _cancellationToken.ThrowIfCancellationRequested();
            Directories++;
            var parentTree = parentTreeId is { } pid ? await TryLoadParentTreeAsync(pid).ConfigureAwait(false) : null;
            List<string> names;
            try
            {
                names = NativeMethods.ListDirectory(path);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                lock (_errors)
                {
                    _errors.Add($"{path}: {e.Message}");
                }

                names = [];
            }

            names.Sort(NodeFactory.NameOrder);
            var slots = new List<Task<Node?>>(names.Count);
            foreach (var name in names)
            {
                var full = Path.Combine(path, name);
                var node = NodeFactory.FromPath(full, name);
                if (node is null)
                {
                    continue;
                }

                var previous = parentTree?.Find(name);
                switch (node.Type)
                {
                    case NodeType.Dir:
                        var sub = await WalkDirectoryAsync(full, previous?.Type == NodeType.Dir ? previous.Subtree : null).ConfigureAwait(false);
                        slots.Add(WithSubtreeAsync(node, sub));
                        break;
                    case NodeType.File when Unchanged(full, node, previous) is { } reused:
                        // Most files of a later backup: no reading, so no reader slot or thread hop.
                        slots.Add(Task.FromResult<Node?>(reused));
                        break;
                    case NodeType.File:
                        await _fileSlots.WaitAsync(_cancellationToken).ConfigureAwait(false);
                        slots.Add(Task.Run(async () =>
                        {
                            try
                            {
                                return await SaveFileAsync(full, node, previous).ConfigureAwait(false);
                            }
                            finally
                            {
                                _fileSlots.Release();
                            }
                        }));
                        break;
                    default:
                        slots.Add(Task.FromResult<Node?>(node));
                        break;
                }
            }

            return SaveDirectoryTreeAsync(slots);
        }

        private async Task<ObjectId> SaveDirectoryTreeAsync(List<Task<Node?>> slots)
        {
            var nodes = (await Task.WhenAll(slots).ConfigureAwait(false)).OfType<Node>().ToList();
            return await SaveTreeAsync(new Tree(nodes)).ConfigureAwait(false);
        }

        private static async Task<Node?> WithSubtreeAsync(Node node, Task<ObjectId> subtree) =>
            WithSubtree(node, await subtree.ConfigureAwait(false));

        /// <summary>
        /// The node with the parent snapshot's content when the file is unchanged since (same type,
        /// size, mtime and inode, and all its blobs indexed), else null: it must be read.
        /// </summary>
        private Node? Unchanged(string path, Node node, Node? previous)
        {
            if (previous is { Type: NodeType.File, Content: { } oldContent }
                && previous.Size == node.Size
                && previous.ModTime.UtcTicks == node.ModTime.UtcTicks
                && previous.Inode == node.Inode
                && oldContent.All(id => _index.Contains(id, BlobType.Data)))
            {
                Interlocked.Add(ref _totalBytes, (long)node.Size);
                Interlocked.Increment(ref _filesUnmodified);
                Report(path);
                return WithContent(node, oldContent);
            }

            return null;
        }

        private async Task<Node?> SaveFileAsync(string path, Node node, Node? previous)
        {
            Interlocked.Add(ref _totalBytes, (long)node.Size);
            var content = new List<ObjectId>();
            long read = 0;
            try
            {
                var stream = new FileStream(path, new FileStreamOptions { Mode = FileMode.Open, Access = FileAccess.Read, Share = FileShare.ReadWrite | FileShare.Delete, BufferSize = 0, Options = FileOptions.SequentialScan });
                NativeMethods.TryStopAccessTimeUpdates(stream.SafeFileHandle);
                await using (stream.ConfigureAwait(false))
                {
                    using var chunks = new ChunkReader(stream, _repository.Polynomial);
                    while (await chunks.NextPooledAsync(_cancellationToken).ConfigureAwait(false) is var (buffer, length))
                    {
                        var id = new ObjectId(SHA256.HashData(buffer.AsSpan(0, length)));
                        content.Add(id);
                        read += length;
                        await Saver.SaveAsync(BlobType.Data, id, buffer, length, pooled: true).ConfigureAwait(false);
                    }
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                lock (_errors)
                {
                    _errors.Add($"{path}: {e.Message}");
                }

                return null;
            }

            Interlocked.Add(ref _bytesRead, read);
            if (previous is { Type: NodeType.File, Content: { } prior } && prior.SequenceEqual(content))
            {
                Interlocked.Increment(ref _filesUnmodified);
            }
            else if (previous is null)
            {
                Interlocked.Increment(ref _filesNew);
            }
            else
            {
                Interlocked.Increment(ref _filesChanged);
            }

            Report(path);

            // The size recorded is what was read: a file that grew or shrank meanwhile stays consistent.
            return WithContent(node, content, (ulong)read);
        }

        private void Report(string path)
        {
            var processed = Interlocked.Increment(ref _filesProcessed);
            _progress?.Report(new BackupProgress(processed, BytesRead, Saver.BytesAdded, path, TotalBytes));
        }

        private async Task<ObjectId> SaveTreeAsync(Tree tree)
        {
            var bytes = TreeJson.Serialize(tree);
            var id = ObjectId.Hash(bytes);
            await Saver.SaveAsync(BlobType.Tree, id, bytes).ConfigureAwait(false);
            return id;
        }

        private static Node WithSubtree(Node n, ObjectId subtree) => Copy(n, content: null, subtree: subtree, size: n.Size);

        private static Node WithContent(Node n, IReadOnlyList<ObjectId> content, ulong? size = null) => Copy(n, content, subtree: null, size: size ?? n.Size);

        private static Node Copy(Node n, IReadOnlyList<ObjectId>? content, ObjectId? subtree, ulong size) => n.WithData(content, subtree, size);
    }
}
