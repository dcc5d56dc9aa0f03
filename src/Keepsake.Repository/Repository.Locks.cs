using Keepsake.Repository.Backends;
using Keepsake.Repository.Internal;
using Keepsake.Repository.Locks;

namespace Keepsake.Repository;

public sealed partial class Repository
{
    /// <summary>
    /// Takes a lock: shared for backup, restore, check and copy; exclusive for forget and prune.
    /// Stale locks (older than 30 minutes, or left by a dead process on this host) are ignored, and
    /// an exclusive lock removes them. After writing its lock file it checks again for a conflicting
    /// lock that appeared meanwhile (restic's protocol).
    /// </summary>
    /// <exception cref="RepositoryLockedException">A live conflicting lock exists.</exception>
    public async Task<RepositoryLock> LockAsync(bool exclusive, CancellationToken cancellationToken = default)
    {
        await CheckLocksAsync(exclusive, null, cancellationToken).ConfigureAwait(false);
        var (uid, gid) = NativeMethods.CurrentIds();
        var info = new LockInfo
        {
            Time = DateTimeOffset.Now,
            Exclusive = exclusive,
            Hostname = Options.Hostname,
            Username = Options.Username,
            Pid = Environment.ProcessId,
            Uid = uid,
            Gid = gid,
        };
        var id = await SaveUnpackedAsync(FileType.Lock, info.ToJson(), cancellationToken).ConfigureAwait(false);
        try
        {
            await Task.Delay(TimeSpan.FromMilliseconds(50), cancellationToken).ConfigureAwait(false);
            await CheckLocksAsync(exclusive, id, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await Backend.RemoveAsync(FileType.Lock, id.ToString(), CancellationToken.None).ConfigureAwait(false);
            throw;
        }

        return new RepositoryLock(this, info, id);
    }

    /// <summary>All lock files, parsed (unreadable ones are skipped).</summary>
    public async Task<IReadOnlyList<LockInfo>> ListLocksAsync(CancellationToken cancellationToken = default)
    {
        var result = new List<LockInfo>();
        await foreach (var file in Backend.ListAsync(FileType.Lock, cancellationToken).ConfigureAwait(false))
        {
            try
            {
                var id = ObjectId.Parse(file.Name);
                result.Add(LockInfo.Parse(id, await LoadUnpackedAsync(FileType.Lock, id, cancellationToken).ConfigureAwait(false)));
            }
            catch (RepositoryCorruptedException)
            {
                // A lock being removed or written by another key; it cannot be judged.
            }
        }

        return result;
    }

    /// <summary>Removes stale locks (all locks when <paramref name="all"/>); returns how many.</summary>
    public async Task<int> UnlockAsync(bool all = false, CancellationToken cancellationToken = default)
    {
        var removed = 0;
        foreach (var l in await ListLocksAsync(cancellationToken).ConfigureAwait(false))
        {
            if (all || l.IsStale(DateTimeOffset.Now, Options.Hostname))
            {
                await Backend.RemoveAsync(FileType.Lock, l.Id.ToString(), cancellationToken).ConfigureAwait(false);
                removed++;
            }
        }

        return removed;
    }

    /// <summary>
    /// Deletes the half-written files of writers that died (see <see cref="IBackend.RemoveAbandonedWritesAsync"/>)
    /// when <paramref name="own"/> is the only live lock: a writer that still runs holds a lock, and
    /// writes nothing before it has one, so what is left then belongs to nobody. Returns how many.
    /// </summary>
    internal async Task<int> RemoveAbandonedWritesAsync(RepositoryLock own, CancellationToken cancellationToken)
    {
        foreach (var other in await ListLocksAsync(cancellationToken).ConfigureAwait(false))
        {
            if (other.Id != own.Id && !other.IsStale(DateTimeOffset.Now, Options.Hostname))
            {
                return 0;
            }
        }

        return await Backend.RemoveAbandonedWritesAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task CheckLocksAsync(bool exclusive, ObjectId? own, CancellationToken cancellationToken)
    {
        foreach (var other in await ListLocksAsync(cancellationToken).ConfigureAwait(false))
        {
            if (own == other.Id)
            {
                continue;
            }

            if (other.IsStale(DateTimeOffset.Now, Options.Hostname))
            {
                if (exclusive)
                {
                    await Backend.RemoveAsync(FileType.Lock, other.Id.ToString(), cancellationToken).ConfigureAwait(false);
                }

                continue;
            }

            if (exclusive || other.Exclusive)
            {
                throw new RepositoryLockedException(other.Id.ToString(), other.Describe(), other.Exclusive);
            }
        }
    }
}
