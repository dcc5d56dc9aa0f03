using Keepsake.Repository.Backends;

namespace Keepsake.Repository.S3;

/// <summary>
/// Reads of parts of a pack (one blob at a time, as a restore does) become one GET of the whole pack,
/// kept for the next reads: on object storage a request costs far more than the bytes it carries
/// (restoring 273 MB blob by blob took 2,388 ranged GETs, where restic needs one per pack). At most
/// <c>maxPacks</c> packs no larger than <c>maxPackBytes</c> are held (least recently used goes first);
/// a larger pack, and every other file type, is read as asked.
/// </summary>
public sealed class PackReadAheadBackend(IBackend inner, int maxPacks = 4, int maxPackBytes = 32 * 1024 * 1024) : IBackend
{
    private readonly LinkedList<(string Name, Task<byte[]> Bytes)> _recent = new();
    private readonly Lock _lock = new();

    /// <inheritdoc />
    public string Location => inner.Location;

    /// <inheritdoc />
    public Task SaveAsync(FileType type, string name, ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default) =>
        inner.SaveAsync(type, name, data, cancellationToken);

    /// <inheritdoc />
    public async Task<byte[]> LoadAsync(FileType type, string name, long offset = 0, int length = 0, CancellationToken cancellationToken = default)
    {
        if (type != FileType.Pack || (offset == 0 && length == 0))
        {
            return await inner.LoadAsync(type, name, offset, length, cancellationToken).ConfigureAwait(false);
        }

        var buffer = new byte[length == 0 ? maxPackBytes : length];
        var n = await ReadAsync(type, name, offset, buffer, cancellationToken).ConfigureAwait(false);
        return n == buffer.Length ? buffer : buffer[..n];
    }

    /// <inheritdoc />
    public async Task<int> ReadAsync(FileType type, string name, long offset, Memory<byte> destination, CancellationToken cancellationToken = default)
    {
        if (type != FileType.Pack || destination.Length == 0)
        {
            return await inner.ReadAsync(type, name, offset, destination, cancellationToken).ConfigureAwait(false);
        }

        var whole = await PackAsync(name, cancellationToken).ConfigureAwait(false);
        if (whole is null)
        {
            return await inner.ReadAsync(type, name, offset, destination, cancellationToken).ConfigureAwait(false);
        }

        var n = (int)Math.Clamp(whole.Length - offset, 0, destination.Length);
        whole.AsMemory((int)Math.Min(offset, whole.Length), n).CopyTo(destination);
        return n;
    }

    /// <inheritdoc />
    public Task<BackendFileInfo> StatAsync(FileType type, string name, CancellationToken cancellationToken = default) =>
        inner.StatAsync(type, name, cancellationToken);

    /// <inheritdoc />
    public IAsyncEnumerable<BackendFileInfo> ListAsync(FileType type, CancellationToken cancellationToken = default) =>
        inner.ListAsync(type, cancellationToken);

    /// <inheritdoc />
    public Task RemoveAsync(FileType type, string name, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            for (var node = _recent.First; node is not null; node = node.Next)
            {
                if (node.Value.Name == name)
                {
                    _recent.Remove(node);
                    break;
                }
            }
        }

        return inner.RemoveAsync(type, name, cancellationToken);
    }

    /// <summary>The whole pack, from the recent ones or one GET; null when it is too large to hold.</summary>
    private async Task<byte[]?> PackAsync(string name, CancellationToken cancellationToken)
    {
        Task<byte[]> load;
        lock (_lock)
        {
            var node = _recent.First;
            while (node is not null && node.Value.Name != name)
            {
                node = node.Next;
            }

            if (node is not null)
            {
                _recent.Remove(node);
                _recent.AddFirst(node);
                load = node.Value.Bytes;
            }
            else
            {
                load = LoadIfSmallAsync(name, cancellationToken);
                _recent.AddFirst((name, load));
                while (_recent.Count > maxPacks)
                {
                    _recent.RemoveLast();
                }
            }
        }

        try
        {
            var bytes = await load.ConfigureAwait(false);
            return bytes.Length == 0 ? null : bytes;
        }
        catch
        {
            lock (_lock)
            {
                for (var node = _recent.First; node is not null; node = node.Next)
                {
                    if (ReferenceEquals(node.Value.Bytes, load))
                    {
                        _recent.Remove(node);
                        break;
                    }
                }
            }

            throw;
        }
    }

    private async Task<byte[]> LoadIfSmallAsync(string name, CancellationToken cancellationToken)
    {
        var size = (await inner.StatAsync(FileType.Pack, name, cancellationToken).ConfigureAwait(false)).Size;
        return size > maxPackBytes || size == 0 ? [] : await inner.LoadAsync(FileType.Pack, name, cancellationToken: cancellationToken).ConfigureAwait(false);
    }
}
