namespace Keepsake.Repository;

/// <summary>Another process holds a lock that conflicts with the one asked for.</summary>
public sealed class RepositoryLockedException : IOException
{
    public RepositoryLockedException(string lockId, string holder, bool exclusive)
        : base($"The repository is locked {(exclusive ? "exclusively" : "(shared)")} by {holder} (lock {lockId}).")
    {
        LockId = lockId;
        Holder = holder;
    }

    /// <summary>The conflicting lock file's ID.</summary>
    public string LockId { get; }

    /// <summary>Who holds it: user@host, PID and time.</summary>
    public string Holder { get; }
}
