using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using Keepsake.Repository.Internal;

namespace Keepsake.Repository.Backends.Local;

/// <summary>
/// A repository in a local folder, in restic's layout: <c>config</c>, <c>keys/</c>, <c>locks/</c>,
/// <c>snapshots/</c>, <c>index/</c>, <c>data/00..ff/</c>. Writes go to a temporary
/// <c>&lt;name&gt;-tmp-&lt;random&gt;</c> in the target folder, are flushed to disk, renamed into place
/// and the folder is fsynced; stored files are made read-only (0400), as restic does.
/// </summary>
public sealed class LocalBackend : IBackend
{
    private const string TempMarker = "-tmp-";
    private readonly string _root;

    /// <summary>Opens (without creating) the folder <paramref name="root"/>.</summary>
    public LocalBackend(string root)
    {
        ArgumentException.ThrowIfNullOrEmpty(root);
        _root = Path.GetFullPath(root);
    }

    /// <inheritdoc />
    public string Location => _root;

    /// <summary>Creates the folder layout (idempotent).</summary>
    public void CreateLayout()
    {
        Directory.CreateDirectory(_root);
        foreach (var type in new[] { FileType.Key, FileType.Lock, FileType.Snapshot, FileType.Index, FileType.Pack })
        {
            Directory.CreateDirectory(Path.Combine(_root, BackendNames.Folder(type)));
        }

        for (var i = 0; i < 256; i++)
        {
            Directory.CreateDirectory(Path.Combine(_root, "data", i.ToString("x2", System.Globalization.CultureInfo.InvariantCulture)));
        }
    }

    /// <inheritdoc />
    public async Task SaveAsync(FileType type, string name, ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default)
    {
        var final = PathOf(type, name);
        if (File.Exists(final))
        {
            return;
        }

        var folder = Path.GetDirectoryName(final)!;
        var temp = Path.Combine(folder, Path.GetFileName(final) + TempMarker + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6)));
        try
        {
            Directory.CreateDirectory(folder);
            var stream = new FileStream(temp, new FileStreamOptions
            {
                Mode = FileMode.CreateNew,
                Access = FileAccess.Write,
                Share = FileShare.None,
                BufferSize = 0,
            });
            await using (stream.ConfigureAwait(false))
            {
                await stream.WriteAsync(data, cancellationToken).ConfigureAwait(false);
                stream.Flush(flushToDisk: true);
            }

            try
            {
                File.Move(temp, final, overwrite: false);
            }
            catch (IOException) when (File.Exists(final))
            {
                File.Delete(temp);
                return;
            }

            NativeMethods.FsyncDirectory(folder);
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(final, UnixFileMode.UserRead);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException && e is not BackendException)
        {
            TryDelete(temp);
            throw new BackendException($"Saving {type} '{name}' in {_root} failed: {e.Message}", isTransient: false, e);
        }
        catch (OperationCanceledException)
        {
            TryDelete(temp);
            throw;
        }
    }

    /// <inheritdoc />
    public async Task<byte[]> LoadAsync(FileType type, string name, long offset = 0, int length = 0, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        var path = PathOf(type, name);
        try
        {
            using var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            var size = RandomAccess.GetLength(handle);
            if (offset >= size)
            {
                return [];
            }

            var available = size - offset;
            if (length == 0 && available > int.MaxValue)
            {
                throw new BackendException($"{type} '{name}' is too large to load at once ({size} bytes).", isTransient: false);
            }

            var count = length == 0 ? (int)available : (int)Math.Min(length, available);
            var buffer = new byte[count];
            var read = 0;
            while (read < count)
            {
                var n = await RandomAccess.ReadAsync(handle, buffer.AsMemory(read), offset + read, cancellationToken).ConfigureAwait(false);
                if (n == 0)
                {
                    throw new BackendException($"{type} '{name}' shrank while being read.", isTransient: true);
                }

                read += n;
            }

            return buffer;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException && e is not BackendException)
        {
            throw LoadFailure(type, name, e);
        }
    }

    /// <inheritdoc />
    public async Task<int> ReadAsync(FileType type, string name, long offset, Memory<byte> destination, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        var path = PathOf(type, name);
        try
        {
            using var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            var read = 0;
            while (read < destination.Length)
            {
                var n = await RandomAccess.ReadAsync(handle, destination[read..], offset + read, cancellationToken).ConfigureAwait(false);
                if (n == 0)
                {
                    break;
                }

                read += n;
            }

            return read;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException && e is not BackendException)
        {
            throw LoadFailure(type, name, e);
        }
    }

    /// <inheritdoc />
    public Task<BackendFileInfo> StatAsync(FileType type, string name, CancellationToken cancellationToken = default)
    {
        var info = new FileInfo(PathOf(type, name));
        return info.Exists
            ? Task.FromResult(new BackendFileInfo(type, type == FileType.Config ? BackendNames.ConfigName : name, info.Length))
            : throw new BackendNotFoundException(type, name);
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<BackendFileInfo> ListAsync(FileType type, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await Task.Yield();
        if (type == FileType.Config)
        {
            var config = new FileInfo(Path.Combine(_root, BackendNames.ConfigName));
            if (config.Exists)
            {
                yield return new BackendFileInfo(type, BackendNames.ConfigName, config.Length);
            }

            yield break;
        }

        var folder = Path.Combine(_root, BackendNames.Folder(type));
        if (!Directory.Exists(folder))
        {
            yield break;
        }

        var files = type == FileType.Pack
            ? Directory.EnumerateDirectories(folder).SelectMany(Directory.EnumerateFiles)
            : Directory.EnumerateFiles(folder);
        foreach (var file in files)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var name = Path.GetFileName(file);
            if (!BackendNames.IsStorageId(name))
            {
                continue;
            }

            long size;
            DateTimeOffset modified;
            try
            {
                var info = new FileInfo(file);
                size = info.Length;
                modified = new DateTimeOffset(info.LastWriteTimeUtc, TimeSpan.Zero);
            }
            catch (FileNotFoundException)
            {
                continue;
            }

            yield return new BackendFileInfo(type, name, size, modified);
        }
    }

    /// <inheritdoc />
    public Task RemoveAsync(FileType type, string name, CancellationToken cancellationToken = default)
    {
        var path = PathOf(type, name);
        try
        {
            if (File.Exists(path) && !OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            }

            File.Delete(path);
            return Task.CompletedTask;
        }
        catch (DirectoryNotFoundException)
        {
            return Task.CompletedTask;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new BackendException($"Removing {type} '{name}' from {_root} failed: {e.Message}", isTransient: false, e);
        }
    }

    /// <inheritdoc />
    /// <remarks>
    /// These are the <c>&lt;id&gt;-tmp-&lt;random&gt;</c> files of <see cref="SaveAsync"/> (restic's local
    /// backend names its own the same way) in <c>data/??/</c>, <c>index/</c> and <c>snapshots/</c>. Lock
    /// files, keys and the config are written without a lock, so their folders are left alone.
    /// </remarks>
    public Task<int> RemoveAbandonedWritesAsync(CancellationToken cancellationToken = default)
    {
        var folders = new List<string>
        {
            Path.Combine(_root, BackendNames.Folder(FileType.Index)),
            Path.Combine(_root, BackendNames.Folder(FileType.Snapshot)),
        };
        var data = Path.Combine(_root, BackendNames.Folder(FileType.Pack));
        if (Directory.Exists(data))
        {
            folders.AddRange(Directory.EnumerateDirectories(data));
        }

        var removed = 0;
        foreach (var folder in folders.Where(Directory.Exists))
        {
            foreach (var file in Directory.EnumerateFiles(folder, "*" + TempMarker + "*"))
            {
                cancellationToken.ThrowIfCancellationRequested();
                var name = Path.GetFileName(file);
                var marker = name.IndexOf(TempMarker, StringComparison.Ordinal);
                if (marker != 64 || !BackendNames.IsStorageId(name[..marker]))
                {
                    continue;
                }

                try
                {
                    File.Delete(file);
                    removed++;
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    throw new BackendException($"Removing the unfinished file '{name}' from {_root} failed: {e.Message}", isTransient: false, e);
                }
            }
        }

        return Task.FromResult(removed);
    }

    /// <summary>A read that failed: not found (a missing file or folder), else a permanent storage error naming the file.</summary>
    private BackendException LoadFailure(FileType type, string name, Exception e) => e is FileNotFoundException or DirectoryNotFoundException
        ? new BackendNotFoundException(type, name, e)
        : new BackendException($"Loading {type} '{name}' from {_root} failed: {e.Message}", isTransient: false, e);

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    private string PathOf(FileType type, string name) =>
        Path.Combine(_root, BackendNames.RelativePath(type, name).Replace('/', Path.DirectorySeparatorChar));
}
