using System.Collections.Concurrent;
using System.Runtime.CompilerServices;

namespace Keepsake.Repository.Backends.Memory;

/// <summary>An in-memory backend, for tests and for staging. Thread-safe.</summary>
public sealed class MemoryBackend : IBackend
{
    private readonly ConcurrentDictionary<(FileType Type, string Name), byte[]> _files = new();

    /// <inheritdoc />
    public string Location => "memory:";

    /// <inheritdoc />
    public Task SaveAsync(FileType type, string name, ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default)
    {
        BackendNames.Validate(type, name);
        cancellationToken.ThrowIfCancellationRequested();
        _files.TryAdd(Key(type, name), data.ToArray());
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task<byte[]> LoadAsync(FileType type, string name, long offset = 0, int length = 0, CancellationToken cancellationToken = default)
    {
        BackendNames.Validate(type, name);
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        cancellationToken.ThrowIfCancellationRequested();
        if (!_files.TryGetValue(Key(type, name), out var bytes))
        {
            throw new BackendNotFoundException(type, name);
        }

        if (offset >= bytes.Length)
        {
            return Task.FromResult(Array.Empty<byte>());
        }

        var available = bytes.Length - (int)offset;
        var count = length == 0 ? available : Math.Min(length, available);
        return Task.FromResult(bytes.AsSpan((int)offset, count).ToArray());
    }

    /// <inheritdoc />
    public Task<BackendFileInfo> StatAsync(FileType type, string name, CancellationToken cancellationToken = default)
    {
        BackendNames.Validate(type, name);
        return _files.TryGetValue(Key(type, name), out var bytes)
            ? Task.FromResult(new BackendFileInfo(type, Key(type, name).Name, bytes.Length))
            : throw new BackendNotFoundException(type, name);
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<BackendFileInfo> ListAsync(FileType type, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        foreach (var ((t, n), bytes) in _files.ToArray())
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (t == type)
            {
                yield return new BackendFileInfo(t, n, bytes.Length);
            }
        }

        await Task.CompletedTask.ConfigureAwait(false);
    }

    /// <inheritdoc />
    public Task RemoveAsync(FileType type, string name, CancellationToken cancellationToken = default)
    {
        BackendNames.Validate(type, name);
        _files.TryRemove(Key(type, name), out _);
        return Task.CompletedTask;
    }

    /// <summary>Test hook: replaces a stored file's bytes (to simulate corruption).</summary>
    public void Corrupt(FileType type, string name, Func<byte[], byte[]> change)
    {
        ArgumentNullException.ThrowIfNull(change);
        var key = Key(type, name);
        _files[key] = change(_files[key]);
    }

    private static (FileType Type, string Name) Key(FileType type, string name) => (type, type == FileType.Config ? BackendNames.ConfigName : name);
}
