using Keepsake.Repository.Backends;

namespace Keepsake.Repository.Tests;

/// <summary>
/// A backend wrapper for the crash tests: before each change to the repository (a file saved or
/// removed; locks aside) it writes a line "mutation save|remove TYPE NAME" and waits a random 0 to
/// <c>maxDelayMs</c> milliseconds, like a slow remote store. A test reading those lines can kill the
/// process right around the change of its choice; everything else is the real backend.
/// </summary>
internal sealed class AnnouncingBackend(IBackend inner, TextWriter announcements, int maxDelayMs, int seed) : IBackend
{
    private readonly Random _random = new(seed);
    private int _mutations;

    public int Mutations => Volatile.Read(ref _mutations);

    public string Location => inner.Location;

    public async Task SaveAsync(FileType type, string name, ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default)
    {
        await AnnounceAsync("save", type, name).ConfigureAwait(false);
        await inner.SaveAsync(type, name, data, cancellationToken).ConfigureAwait(false);
    }

    public async Task RemoveAsync(FileType type, string name, CancellationToken cancellationToken = default)
    {
        await AnnounceAsync("remove", type, name).ConfigureAwait(false);
        await inner.RemoveAsync(type, name, cancellationToken).ConfigureAwait(false);
    }

    public Task<byte[]> LoadAsync(FileType type, string name, long offset = 0, int length = 0, CancellationToken cancellationToken = default) =>
        inner.LoadAsync(type, name, offset, length, cancellationToken);

    public Task<int> ReadAsync(FileType type, string name, long offset, Memory<byte> destination, CancellationToken cancellationToken = default) =>
        inner.ReadAsync(type, name, offset, destination, cancellationToken);

    public Task<BackendFileInfo> StatAsync(FileType type, string name, CancellationToken cancellationToken = default) =>
        inner.StatAsync(type, name, cancellationToken);

    public IAsyncEnumerable<BackendFileInfo> ListAsync(FileType type, CancellationToken cancellationToken = default) =>
        inner.ListAsync(type, cancellationToken);

    private async Task AnnounceAsync(string what, FileType type, string name)
    {
        if (type == FileType.Lock)
        {
            return;
        }

        Interlocked.Increment(ref _mutations);
        int delay;
        lock (_random)
        {
            delay = _random.Next(0, maxDelayMs + 1);
        }

        lock (announcements)
        {
            announcements.WriteLine($"mutation {what} {type} {name}");
            announcements.Flush();
        }

        if (delay > 0)
        {
            await Task.Delay(delay).ConfigureAwait(false);
        }
    }
}
