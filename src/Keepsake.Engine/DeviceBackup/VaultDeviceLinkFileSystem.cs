using System.Text;
using Keepsake.BackupFormat;
using Keepsake.Device.Services.MobileBackup2;
using Keepsake.Primitives;
using Keepsake.Repository;
using Keepsake.Repository.Trees;

namespace Keepsake.Engine.DeviceBackup;

/// <summary>
/// The backup folder a phone sees during <see cref="DeviceBackupJob"/>, held by the vault: the
/// device's latest snapshot plus what this run changed, as a tree in memory (folders of the base
/// snapshot are loaded only when the phone looks inside them). Files the phone sends into the
/// two-hex-digit blob folders stream straight into the vault (<see cref="SnapshotWriter"/>); only
/// the bookkeeping files the host itself reads or rewrites (Info.plist, Status.plist,
/// Manifest.plist, Manifest.db, … anywhere else) are kept as owner-only files in a private
/// temporary folder. <see cref="SaveTreeAsync"/> turns the tree into the snapshot's trees.
/// </summary>
public sealed class VaultDeviceLinkFileSystem : IDeviceLinkFileSystem
{
    private const UnixFileMode OwnerOnlyFile = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private readonly Repository.Repository _repository;
    private readonly SnapshotWriter _writer;
    private readonly string _temp;
    private readonly Func<long> _freeSpace;
    private readonly Entry _root = Entry.Folder();
    private long _tempCounter;
    private VaultFile? _unsettled;

    /// <param name="repository">The vault (base snapshot trees and blobs are read from it).</param>
    /// <param name="writer">Where this run's content goes.</param>
    /// <param name="temporaryFolder">An owner-only folder for the bookkeeping files; the caller removes it.</param>
    /// <param name="freeSpace">Free bytes where the vault grows (answered to the phone).</param>
    public VaultDeviceLinkFileSystem(Repository.Repository repository, SnapshotWriter writer, string temporaryFolder, Func<long> freeSpace)
    {
        ArgumentNullException.ThrowIfNull(repository);
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentException.ThrowIfNullOrEmpty(temporaryFolder);
        ArgumentNullException.ThrowIfNull(freeSpace);
        _repository = repository;
        _writer = writer;
        _temp = temporaryFolder;
        _freeSpace = freeSpace;
    }

    /// <summary>The first failure of the vault while storing a file the phone sent (disk full, …), if any.</summary>
    public Exception? VaultError { get; private set; }

    /// <summary>Files that streamed into the vault this run, and their bytes.</summary>
    public long FilesStored { get; private set; }

    /// <summary>Bytes of the files that streamed into the vault this run.</summary>
    public long BytesStored { get; private set; }

    /// <summary>Makes the folder <paramref name="name"/> (at the top) the base snapshot's folder <paramref name="folder"/>.</summary>
    public void SetBase(string name, Node folder)
    {
        ArgumentNullException.ThrowIfNull(folder);
        Children(_root)[Single(name)] = Entry.FromNode(folder);
    }

    /// <summary>
    /// Makes the folder <paramref name="name"/> (at the top) a backup folder on disk: a working copy left by an
    /// earlier version, used once as the base. Its files are read (never written) and stored when the tree is saved.
    /// </summary>
    public void SetBaseFolderOnDisk(string name, string folder)
    {
        ArgumentException.ThrowIfNullOrEmpty(folder);
        Children(_root)[Single(name)] = new Entry { IsFolder = true, DiskPath = folder, Modified = Directory.GetLastWriteTimeUtc(folder) };
    }

    /// <summary>Takes over a file the host wrote (Info.plist) as <paramref name="path"/>; the file moves into the private folder.</summary>
    public void AdoptLocalFile(string path, string localFile)
    {
        var target = NewTempPath();
        File.Move(localFile, target);
        var (parent, name) = TargetOf(path);
        Replace(parent, name, Entry.Local(target));
    }

    public Stream CreateFile(string path)
    {
        var (parent, name) = TargetOf(path);
        if (Children(parent).TryGetValue(name, out var existing) && existing.IsFolder)
        {
            throw new IOException($"'{path}' is a folder.");
        }

        if (!IsBlobFolder(parent, path))
        {
            var local = NewTempPath();
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Options = FileOptions.Asynchronous };
            if (!OperatingSystem.IsWindows())
            {
                options.UnixCreateMode = OwnerOnlyFile;
            }

            var stream = new FileStream(local, options);
            Replace(parent, name, Entry.Local(local));
            return stream;
        }

        var entry = new Entry { Modified = DateTimeOffset.UtcNow };
        Replace(parent, name, entry);
        return new VaultFile(this, entry, _writer.CreateFile());
    }

    public void AbandonFile(string path)
    {
        var (parent, name) = ParentOf(path, create: false);
        if (parent is not null && Children(parent).Remove(name, out var entry))
        {
            Forget(entry);
        }
    }

    public Stream? OpenRead(string path)
    {
        var entry = Find(path);
        if (entry is null || entry.IsFolder)
        {
            return null;
        }

        if ((entry.LocalFile ?? entry.DiskPath) is { } local)
        {
            return new FileStream(local, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.Asynchronous | FileOptions.SequentialScan);
        }

        if (entry.Node is { } node && entry.Content is null)
        {
            return _repository.OpenFile(node);
        }

        // Sent this run: its last blobs may still be in a pack being filled.
        throw new IOException($"'{path}' was received in this backup and cannot be read back before the backup ends.");
    }

    public void CreateDirectory(string path) => Resolve(Segments(path), create: true);

    public void Move(string source, string destination)
    {
        var (fromParent, fromName) = ParentOf(source, create: false);
        if (fromParent is null || !Children(fromParent).Remove(fromName, out var entry))
        {
            throw new FileNotFoundException($"No such file or folder: '{source}'.", source);
        }

        var (toParent, toName) = TargetOf(destination);
        Replace(toParent, toName, entry);
    }

    public void Remove(string path)
    {
        var (parent, name) = ParentOf(path, create: false);
        if (parent is not null && Children(parent).Remove(name, out var entry))
        {
            Forget(entry);
        }
    }

    public void Copy(string source, string destination)
    {
        var entry = Find(source) ?? throw new FileNotFoundException($"No such file or folder: '{source}'.", source);
        var (toParent, toName) = TargetOf(destination);
        Replace(toParent, toName, Clone(entry));
    }

    public IReadOnlyList<DeviceLinkFileEntry> List(string path)
    {
        var entry = Find(path);
        if (entry is null || !entry.IsFolder)
        {
            return [];
        }

        return [.. Children(entry).Select(kv => new DeviceLinkFileEntry(kv.Key, kv.Value.IsFolder, kv.Value.IsFolder ? 0 : SizeOf(kv.Value), kv.Value.Modified))];
    }

    public long GetFreeSpace() => _freeSpace();

    /// <summary>A read-only view of the top-level folder <paramref name="name"/> as an Apple backup (for its plists).</summary>
    public IBackupStore Store(string name) => new FolderStore(this, Single(name));

    /// <summary>
    /// Saves the top-level folder <paramref name="name"/> as trees (bookkeeping files are stored
    /// now, from the private folder) and returns its node, or null when there is no such folder.
    /// </summary>
    public async Task<Node?> SaveTreeAsync(string name, CancellationToken cancellationToken = default)
    {
        await SettleAsync().ConfigureAwait(false);
        var entry = Find(Single(name));
        return entry is { IsFolder: true } ? await SaveAsync(Single(name), entry, cancellationToken).ConfigureAwait(false) : null;
    }

    private async Task<Node> SaveAsync(string name, Entry entry, CancellationToken cancellationToken)
    {
        if (entry.IsFolder)
        {
            if (entry.Children is null && entry.Node is { } unchanged)
            {
                return Renamed(unchanged, name);
            }

            var nodes = new List<Node>();
            foreach (var (childName, child) in Children(entry))
            {
                nodes.Add(await SaveAsync(childName, child, cancellationToken).ConfigureAwait(false));
            }

            nodes.Sort((a, b) => Encoding.UTF8.GetBytes(a.Name).AsSpan().SequenceCompareTo(Encoding.UTF8.GetBytes(b.Name)));
            var subtree = await _writer.SaveTreeAsync(new Tree(nodes), cancellationToken).ConfigureAwait(false);
            return NewNode(name, NodeType.Dir, GoFileMode.Dir | 0x1C0, entry.Modified, 0, null, subtree);
        }

        if ((entry.LocalFile ?? entry.DiskPath) is { } local)
        {
            var file = _writer.CreateFile();
            await using (file.ConfigureAwait(false))
            {
                var input = new FileStream(local, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.Asynchronous | FileOptions.SequentialScan);
                await using (input.ConfigureAwait(false))
                {
                    await input.CopyToAsync(file, cancellationToken).ConfigureAwait(false);
                }

                var (content, size) = await file.CompleteAsync().ConfigureAwait(false);
                return NewNode(name, NodeType.File, 0x180, entry.Modified, size, content, null);
            }
        }

        if ((entry.Content ?? entry.SameAs?.Content) is { } written)
        {
            return NewNode(name, NodeType.File, 0x180, entry.Modified, entry.Size, written, null);
        }

        return Renamed(entry.Node ?? throw new IOException($"'{name}' was still being received when the backup ended."), name);
    }

    private static Node NewNode(string name, NodeType type, uint mode, DateTimeOffset modified, long size, IReadOnlyList<ObjectId>? content, ObjectId? subtree)
    {
        return new Node
        {
            Name = name,
            Type = type,
            Mode = mode,
            ModTime = modified,
            AccessTime = modified,
            ChangeTime = modified,
            Size = (ulong)size,
            Content = content,
            Subtree = subtree,
        };
    }

    private static Node Renamed(Node node, string name) => node.Name == name ? node : new Node
    {
        Name = name,
        Type = node.Type,
        Mode = node.Mode,
        ModTime = node.ModTime,
        AccessTime = node.AccessTime,
        ChangeTime = node.ChangeTime,
        Uid = node.Uid,
        Gid = node.Gid,
        User = node.User,
        Group = node.Group,
        Inode = node.Inode,
        DeviceId = node.DeviceId,
        Size = node.Size,
        Links = node.Links,
        LinkTarget = node.LinkTarget,
        Device = node.Device,
        Content = node.Content,
        Subtree = node.Subtree,
        Error = node.Error,
    };

    /// <summary>Files in a two-hex-digit folder (<c>UDID/ab/ab12…</c>, also under <c>Snapshot/</c>) are the phone's content.</summary>
    private static bool IsBlobFolder(Entry parent, string path)
    {
        var segments = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        return segments.Length >= 3 && segments[^2] is { Length: 2 } folder && Uri.IsHexDigit(folder[0]) && Uri.IsHexDigit(folder[1]) && parent.IsFolder;
    }

    private long SizeOf(Entry entry) =>
        (entry.LocalFile ?? entry.DiskPath) is { } local ? new FileInfo(local).Length
        : entry.Content is not null ? entry.Size
        : (long)(entry.Node?.Size ?? 0);

    private string NewTempPath() => Path.Combine(_temp, "f" + Interlocked.Increment(ref _tempCounter).ToString(System.Globalization.CultureInfo.InvariantCulture));

    private Entry Clone(Entry entry)
    {
        if (entry.LocalFile is { } local)
        {
            var copy = NewTempPath();
            File.Copy(local, copy);
            return Entry.Local(copy);
        }

        var clone = new Entry { Node = entry.Node, Content = entry.Content, Size = entry.Size, Modified = entry.Modified, IsFolder = entry.IsFolder, SameAs = entry.SameAs ?? entry, DiskPath = entry.IsFolder ? null : entry.DiskPath };
        if (entry.IsFolder && (entry.Children is not null || entry.Node is null))
        {
            clone.Children = new Dictionary<string, Entry>(StringComparer.Ordinal);
            foreach (var (name, child) in Children(entry))
            {
                clone.Children[name] = Clone(child);
            }
        }

        return clone;
    }

    /// <summary>Stores the last chunk of the file closed last, if any.</summary>
    private async Task SettleAsync()
    {
        if (_unsettled is { } file)
        {
            _unsettled = null;
            await file.CompleteAsync().ConfigureAwait(false);
        }
    }

    private void Forget(Entry entry)
    {
        if (_unsettled is { } file && ReferenceEquals(file.Entry, entry))
        {
            _unsettled = null;
            file.Drop();
        }

        if (entry.LocalFile is { } local)
        {
            File.Delete(local);
        }
        else if (entry.Children is { } children)
        {
            foreach (var child in children.Values)
            {
                Forget(child);
            }
        }
    }

    private void Replace(Entry parent, string name, Entry entry)
    {
        var children = Children(parent);
        if (children.Remove(name, out var old))
        {
            Forget(old);
        }

        children[name] = entry;
    }

    private Dictionary<string, Entry> Children(Entry folder)
    {
        if (folder.Children is null && folder.DiskPath is { } disk)
        {
            folder.Children = new Dictionary<string, Entry>(StringComparer.Ordinal);
            foreach (var info in new DirectoryInfo(disk).EnumerateFileSystemInfos())
            {
                // Links are not followed: a working copy holds plain files and folders only.
                if (info.LinkTarget is null)
                {
                    folder.Children[info.Name] = new Entry { IsFolder = info is DirectoryInfo, DiskPath = info.FullName, Modified = new DateTimeOffset(info.LastWriteTimeUtc, TimeSpan.Zero) };
                }
            }
        }

        if (folder.Children is null)
        {
            var tree = folder.Node?.Subtree is { } subtree ? _repository.LoadTreeAsync(subtree).GetAwaiter().GetResult() : new Tree([]);
            folder.Children = new Dictionary<string, Entry>(StringComparer.Ordinal);
            foreach (var node in tree.Nodes)
            {
                if (node.Type is NodeType.Dir or NodeType.File)
                {
                    folder.Children[node.Name] = Entry.FromNode(node);
                }
            }
        }

        return folder.Children;
    }

    private Entry? Find(string path) => Resolve(Segments(path), create: false);

    private (Entry Parent, string Name) TargetOf(string path)
    {
        var (parent, name) = ParentOf(path, create: true);
        return (parent!, name);
    }

    private (Entry? Parent, string Name) ParentOf(string path, bool create)
    {
        var segments = Segments(path);
        if (segments.Length == 0)
        {
            throw new PathEscapeException("backup folder", path, "the backup folder itself cannot be replaced");
        }

        var parent = Resolve(segments[..^1], create);
        return (parent is { IsFolder: true } ? parent : null, segments[^1]);
    }

    private Entry? Resolve(string[] segments, bool create)
    {
        var current = _root;
        for (var i = 0; i < segments.Length; i++)
        {
            var segment = segments[i];
            var children = Children(current);
            if (!children.TryGetValue(segment, out var next))
            {
                if (!create)
                {
                    return null;
                }

                next = Entry.Folder();
                children[segment] = next;
            }
            else if (!next.IsFolder)
            {
                if (!create)
                {
                    // A file is found only as the last segment.
                    return i == segments.Length - 1 ? next : null;
                }

                throw new IOException($"'{string.Join('/', segments)}' goes through the file '{segment}'.");
            }

            current = next;
        }

        return current;
    }

    private static string Single(string name) =>
        Segments(name) is [var only] ? only : throw new ArgumentException($"'{name}' is not a single folder name.", nameof(name));

    private static string[] Segments(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var segments = path.Replace('\\', '/').Split('/', StringSplitOptions.RemoveEmptyEntries);
        foreach (var segment in segments)
        {
            if (segment is "." or ".." || segment.Contains('\0', StringComparison.Ordinal))
            {
                throw new PathEscapeException("backup folder", path, "'.', '..' and NUL are not allowed in a backup path");
            }
        }

        return segments;
    }

    /// <summary>A file or folder of the run's tree.</summary>
    private sealed class Entry
    {
        public bool IsFolder { get; set; }

        /// <summary>Loaded (or new) folder contents; null while a base folder is untouched.</summary>
        public Dictionary<string, Entry>? Children { get; set; }

        /// <summary>The base snapshot's node (file, or folder with its subtree).</summary>
        public Node? Node { get; set; }

        /// <summary>Content received this run (blob ids), once the file is complete.</summary>
        public IReadOnlyList<ObjectId>? Content { get; set; }

        public long Size { get; set; }

        public string? LocalFile { get; set; }

        /// <summary>A file or folder of an old working copy on disk (read only, never removed here).</summary>
        public string? DiskPath { get; set; }

        /// <summary>For a copy of a file received this run: the original, whose content it gets.</summary>
        public Entry? SameAs { get; set; }

        public DateTimeOffset Modified { get; set; }

        public static Entry Folder() => new() { IsFolder = true, Children = new(StringComparer.Ordinal), Modified = DateTimeOffset.UtcNow };

        public static Entry Local(string file) => new() { LocalFile = file, Modified = DateTimeOffset.UtcNow };

        public static Entry FromNode(Node node) => new() { IsFolder = node.Type == NodeType.Dir, Node = node, Modified = node.ModTime };
    }

    /// <summary>
    /// The writer of one received file. Closing it does not store the file's last chunk yet: a transfer
    /// that failed is closed too, and then abandoned, and its cut-off tail must not reach the vault.
    /// The tail is stored when the next file starts, or when the tree is saved (<see cref="SettleAsync"/>).
    /// </summary>
    private sealed class VaultFile(VaultDeviceLinkFileSystem owner, Entry entry, FileContentWriter inner) : Stream
    {
        private bool _closed;

        public Entry Entry => entry;

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => !_closed;

        public override long Length => inner.Length;

        public override long Position { get => inner.Length; set => throw new NotSupportedException(); }

        public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            ObjectDisposedException.ThrowIf(_closed, this);
            await owner.SettleAsync().ConfigureAwait(false);
            try
            {
                await inner.WriteAsync(buffer, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                owner.VaultError ??= e;
                throw;
            }
        }

        public override void Write(byte[] buffer, int offset, int count) => WriteAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

        public override void Flush()
        {
        }

        public override async ValueTask DisposeAsync()
        {
            if (!_closed)
            {
                _closed = true;
                await owner.SettleAsync().ConfigureAwait(false);
                entry.Size = inner.Length;
                owner._unsettled = this;
            }
        }

        /// <summary>Stores the last chunk; the file joins the tree.</summary>
        public async Task CompleteAsync()
        {
            try
            {
                var (content, size) = await inner.CompleteAsync().ConfigureAwait(false);
                entry.Content = content;
                entry.Size = size;
                owner.FilesStored++;
                owner.BytesStored += size;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                owner.VaultError ??= e;
                throw;
            }
            finally
            {
                await inner.DisposeAsync().ConfigureAwait(false);
            }
        }

        /// <summary>Drops the file (its transfer failed, or the phone removed it before it was settled).</summary>
        public void Drop() => inner.Dispose();

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();
    }

    /// <summary>A top-level folder of the run as an <see cref="IBackupStore"/>: enough to read its plists.</summary>
    private sealed class FolderStore(VaultDeviceLinkFileSystem owner, string folder) : IBackupStore
    {
        public string Location => $"this backup of {folder}";

        public bool FileExists(string name) => owner.Find(folder + "/" + name) is { IsFolder: false };

        public bool DirectoryExists(string name) => owner.Find(folder + "/" + name) is { IsFolder: true };

        public long GetLength(string name) =>
            owner.Find(folder + "/" + name) is { IsFolder: false } entry ? owner.SizeOf(entry) : throw new FileNotFoundException($"{Location} has no file '{name}'.", name);

        public Stream OpenRead(string name) =>
            owner.OpenRead(folder + "/" + name) ?? throw new FileNotFoundException($"{Location} has no file '{name}'.", name);

        public string? GetLocalPath(string name) => null;
    }
}
