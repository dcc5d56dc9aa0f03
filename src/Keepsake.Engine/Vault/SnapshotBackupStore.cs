using System.Collections.Concurrent;
using Keepsake.BackupFormat;
using Keepsake.Primitives;
using Keepsake.Repository;
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
    /// <remarks>
    /// Damage in the vault (a damaged or missing pack or tree) surfaces as a
    /// <see cref="BackupFormatException"/> with <see cref="BackupFormatError.CorruptBlob"/> naming the
    /// file, when the file is opened or read, so that readers skip that one file and go on.
    /// </remarks>
    public Stream OpenRead(string name)
    {
        Node? node;
        try
        {
            node = Find(name);
        }
        catch (RepositoryCorruptedException e)
        {
            throw Damaged(name, e);
        }

        return node is { Type: NodeType.File } file ? new DamageReportingStream(_repository.OpenFile(file), this, name) : throw NotFound(name);
    }

    /// <inheritdoc />
    public string? GetLocalPath(string name) => null;

    private BackupFormatException Damaged(string name, RepositoryCorruptedException e) =>
        new(BackupFormatError.CorruptBlob, name, $"damaged in the vault ({Location}): {e.Message}", e);

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

    /// <summary>A snapshot file's stream that reports vault damage as the backup format's typed error.</summary>
    private sealed class DamageReportingStream(SnapshotFileStream inner, SnapshotBackupStore store, string name) : Stream
    {
        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => inner.Length;

        public override long Position
        {
            get => inner.Position;
            set => throw new NotSupportedException("A snapshot file stream reads forward only.");
        }

        public override int Read(byte[] buffer, int offset, int count)
        {
            try
            {
                return inner.Read(buffer, offset, count);
            }
            catch (RepositoryCorruptedException e)
            {
                throw store.Damaged(name, e);
            }
        }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            try
            {
                return await inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
            }
            catch (RepositoryCorruptedException e)
            {
                throw store.Damaged(name, e);
            }
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException("A snapshot file stream reads forward only.");

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                inner.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
