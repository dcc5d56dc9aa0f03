namespace Keepsake.Service;

/// <summary>
/// The service's vault, opened once (the key derivation is slow on purpose) and shared by the API and the
/// scheduler; one operation at a time writes through it. Opening again after a failure (a wrong password
/// fixed, a disk remounted) happens at the next use.
/// </summary>
public sealed class VaultSession(VaultConnection connection) : IDisposable
{
    private readonly SemaphoreSlim _open = new(1, 1);
    private Keepsake.Repository.Repository? _repository;

    /// <summary>The vault's address as shown to the user.</summary>
    public string Location => connection.Location;

    /// <summary>Serialises writers (backup, forget, prune, copy) in this process; other processes meet restic's locks.</summary>
    public SemaphoreSlim WriteGate { get; } = new(1, 1);

    /// <summary>The open vault; opened (or created) on first use.</summary>
    public async Task<Keepsake.Repository.Repository> GetAsync(CancellationToken cancellationToken)
    {
        await _open.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return _repository ??= await connection.Open(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _open.Release();
        }
    }

    /// <summary>
    /// Takes <see cref="WriteGate"/> and returns the vault with its index reloaded (another process, a CLI
    /// command, may have added packs since); dispose the result to release the gate.
    /// </summary>
    public async Task<VaultWriteScope> BeginWriteAsync(CancellationToken cancellationToken)
    {
        await WriteGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var repository = await GetAsync(cancellationToken).ConfigureAwait(false);
            repository.InvalidateIndex();
            return new VaultWriteScope(repository, WriteGate);
        }
        catch
        {
            WriteGate.Release();
            throw;
        }
    }

    public void Dispose()
    {
        _repository?.Dispose();
        _open.Dispose();
        WriteGate.Dispose();
    }
}
