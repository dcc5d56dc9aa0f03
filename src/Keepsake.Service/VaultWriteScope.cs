namespace Keepsake.Service;

/// <summary>The vault held for writing by this process; disposing releases <see cref="VaultSession.WriteGate"/>.</summary>
public sealed class VaultWriteScope(Keepsake.Repository.Repository repository, SemaphoreSlim gate) : IDisposable
{
    private int _released;

    public Keepsake.Repository.Repository Repository { get; } = repository;

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _released, 1) == 0)
        {
            gate.Release();
        }
    }
}
