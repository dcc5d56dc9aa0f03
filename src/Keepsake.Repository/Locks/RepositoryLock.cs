using Keepsake.Repository.Backends;

namespace Keepsake.Repository.Locks;

/// <summary>
/// A lock this process holds on a repository. It is refreshed (a new lock file written, the old one
/// removed) every 5 minutes so that it never turns stale while held; disposing removes it.
/// </summary>
public sealed class RepositoryLock : IAsyncDisposable
{
    private static readonly TimeSpan RefreshInterval = TimeSpan.FromMinutes(5);
    private readonly Repository _repository;
    private readonly LockInfo _template;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _refresher;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private ObjectId _current;

    internal RepositoryLock(Repository repository, LockInfo template, ObjectId id)
    {
        _repository = repository;
        _template = template;
        _current = id;
        _refresher = Task.Run(RefreshLoopAsync);
    }

    /// <summary>The current lock file's ID.</summary>
    public ObjectId Id => _current;

    /// <summary>Whether it is exclusive.</summary>
    public bool Exclusive => _template.Exclusive;

    /// <summary>Writes a fresh lock file and removes the previous one.</summary>
    public async Task RefreshAsync(CancellationToken cancellationToken = default)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var fresh = new LockInfo
            {
                Time = DateTimeOffset.Now,
                Exclusive = _template.Exclusive,
                Hostname = _template.Hostname,
                Username = _template.Username,
                Pid = _template.Pid,
                Uid = _template.Uid,
                Gid = _template.Gid,
            };
            var id = await _repository.SaveUnpackedAsync(FileType.Lock, fresh.ToJson(), cancellationToken).ConfigureAwait(false);
            var old = _current;
            _current = id;
            await _repository.Backend.RemoveAsync(FileType.Lock, old.ToString(), cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Stops refreshing and removes the lock file.</summary>
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        try
        {
            await _refresher.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }

        await _gate.WaitAsync().ConfigureAwait(false);
        try
        {
            await _repository.Backend.RemoveAsync(FileType.Lock, _current.ToString()).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
            _gate.Dispose();
            _stop.Dispose();
        }
    }

    private async Task RefreshLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            await Task.Delay(RefreshInterval, _stop.Token).ConfigureAwait(false);
            try
            {
                await RefreshAsync(_stop.Token).ConfigureAwait(false);
            }
            catch (IOException)
            {
                // Try again at the next interval; the lock stays valid for 30 minutes.
            }
        }
    }
}
