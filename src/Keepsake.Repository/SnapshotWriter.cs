using Keepsake.Repository.Internal;
using Keepsake.Repository.Locks;
using Keepsake.Repository.Snapshots;
using Keepsake.Repository.Trees;

namespace Keepsake.Repository;

/// <summary>
/// A snapshot built from content pushed into the vault rather than read from a folder: files are
/// written through <see cref="CreateFile"/> (chunked, compressed, encrypted and packed as they
/// arrive), trees are saved by the caller, and <see cref="CommitAsync"/> records the snapshot. Holds a
/// shared lock until disposed. Every stored pack is indexed at once, so a run that ends without a
/// commit (a failure, or a kill) leaves what it stored usable by the next run; a normal end merges
/// those small index files into one.
/// </summary>
public sealed class SnapshotWriter : IAsyncDisposable
{
    private readonly Repository _repository;
    private readonly RepositoryLock _lock;
    private readonly BlobSaver _saver;
    private bool _finished;

    internal SnapshotWriter(Repository repository, RepositoryLock repositoryLock, Index.MasterIndex index, CancellationToken cancellationToken)
    {
        _repository = repository;
        _lock = repositoryLock;
        _saver = new BlobSaver(repository, index, cancellationToken, indexEveryPack: true);
    }

    /// <summary>Sealed bytes this run added to the vault (after deduplication).</summary>
    public long BytesAdded => _saver.BytesAdded;

    /// <summary>Blobs this run added.</summary>
    public long BlobsAdded => _saver.BlobsAdded;

    /// <summary>A stream whose bytes become one file's content; complete it with <see cref="FileContentWriter.CompleteAsync"/>.</summary>
    public FileContentWriter CreateFile()
    {
        ObjectDisposedException.ThrowIf(_finished, this);
        return new FileContentWriter(_saver, _repository.Polynomial);
    }

    /// <summary>Whether a data blob is stored already (or on its way).</summary>
    public bool HasData(ObjectId id) => _saver.Has(id, BlobType.Data);

    /// <summary>Saves a tree blob and returns its id.</summary>
    public async Task<ObjectId> SaveTreeAsync(Tree tree, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tree);
        cancellationToken.ThrowIfCancellationRequested();
        var bytes = TreeJson.Serialize(tree);
        var id = ObjectId.Hash(bytes);
        await _saver.SaveAsync(BlobType.Tree, id, bytes).ConfigureAwait(false);
        return id;
    }

    /// <summary>Writes the last packs and the index, then the snapshot file; returns the snapshot with its id.</summary>
    public async Task<Snapshot> CommitAsync(Snapshot snapshot, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        ObjectDisposedException.ThrowIf(_finished, this);
        _finished = true;
        await _saver.FlushAsync(cancellationToken).ConfigureAwait(false);
        return await _repository.SaveSnapshotAsync(snapshot, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Without a commit: stores the packs still in memory and indexes them (no snapshot), so a later
    /// run does not store that content again; when the vault itself failed, just stops. Then unlocks.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        if (!_finished)
        {
            _finished = true;
            try
            {
                await _saver.FlushAsync(CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception e) when (e is IOException or OperationCanceledException or UnauthorizedAccessException or RepositoryCorruptedException)
            {
                await _saver.AbortAsync().ConfigureAwait(false);
            }
        }

        await _lock.DisposeAsync().ConfigureAwait(false);
    }
}
