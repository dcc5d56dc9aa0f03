using System.Runtime.CompilerServices;

namespace Keepsake.Repository.Backends;

/// <summary>
/// Repeats a call that failed with a transient <see cref="BackendException"/> (a timeout, a dropped
/// connection, a server's 503 or SlowDown), after an exponentially growing delay with full jitter, so
/// that many writers slowed down by one server spread out instead of retrying in step. A listing is
/// repeated only while it has yielded nothing. When every attempt failed, the last failure is thrown.
/// </summary>
public sealed class RetryBackend(IBackend inner, int maxAttempts = 6, TimeSpan? baseDelay = null, TimeSpan? maxDelay = null) : IBackend
{
    private readonly TimeSpan _baseDelay = baseDelay ?? TimeSpan.FromMilliseconds(500);
    private readonly TimeSpan _maxDelay = maxDelay ?? TimeSpan.FromSeconds(30);

    /// <summary>The wrapped backend.</summary>
    public IBackend Inner { get; } = inner ?? throw new ArgumentNullException(nameof(inner));

    /// <inheritdoc />
    public string Location => Inner.Location;

    /// <inheritdoc />
    public Task SaveAsync(FileType type, string name, ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default) =>
        RunAsync(ct => Inner.SaveAsync(type, name, data, ct), cancellationToken);

    /// <inheritdoc />
    public Task<byte[]> LoadAsync(FileType type, string name, long offset = 0, int length = 0, CancellationToken cancellationToken = default) =>
        RunAsync(ct => Inner.LoadAsync(type, name, offset, length, ct), cancellationToken);

    /// <inheritdoc />
    public Task<int> ReadAsync(FileType type, string name, long offset, Memory<byte> destination, CancellationToken cancellationToken = default) =>
        RunAsync(ct => Inner.ReadAsync(type, name, offset, destination, ct), cancellationToken);

    /// <inheritdoc />
    public Task<BackendFileInfo> StatAsync(FileType type, string name, CancellationToken cancellationToken = default) =>
        RunAsync(ct => Inner.StatAsync(type, name, ct), cancellationToken);

    /// <inheritdoc />
    public Task RemoveAsync(FileType type, string name, CancellationToken cancellationToken = default) =>
        RunAsync(ct => Inner.RemoveAsync(type, name, ct), cancellationToken);

    /// <inheritdoc />
    public Task<int> RemoveAbandonedWritesAsync(CancellationToken cancellationToken = default) =>
        RunAsync(ct => Inner.RemoveAbandonedWritesAsync(ct), cancellationToken);

    /// <inheritdoc />
    public async IAsyncEnumerable<BackendFileInfo> ListAsync(FileType type, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        for (var attempt = 1; ; attempt++)
        {
            var yielded = false;
            var items = Inner.ListAsync(type, cancellationToken).GetAsyncEnumerator(cancellationToken);
            await using (items.ConfigureAwait(false))
            {
                while (true)
                {
                    BackendFileInfo item;
                    try
                    {
                        if (!await items.MoveNextAsync().ConfigureAwait(false))
                        {
                            yield break;
                        }

                        item = items.Current;
                    }
                    catch (BackendException e) when (e.IsTransient && !yielded && attempt < maxAttempts)
                    {
                        break;
                    }

                    yielded = true;
                    yield return item;
                }
            }

            await Task.Delay(Delay(attempt), cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task RunAsync(Func<CancellationToken, Task> call, CancellationToken cancellationToken) =>
        await RunAsync(
            async ct =>
            {
                await call(ct).ConfigureAwait(false);
                return true;
            },
            cancellationToken).ConfigureAwait(false);

    private async Task<T> RunAsync<T>(Func<CancellationToken, Task<T>> call, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await call(cancellationToken).ConfigureAwait(false);
            }
            catch (BackendException e) when (e.IsTransient && attempt < maxAttempts)
            {
                await Task.Delay(Delay(attempt), cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Full jitter: a random delay up to base × 2^(attempt-1), capped.</summary>
    private TimeSpan Delay(int attempt)
    {
        var ceiling = Math.Min(_maxDelay.TotalMilliseconds, _baseDelay.TotalMilliseconds * Math.Pow(2, attempt - 1));
        return TimeSpan.FromMilliseconds(Random.Shared.NextDouble() * ceiling);
    }
}
