using System.Buffers;
using System.Collections.Concurrent;
using System.Threading.Channels;
using Keepsake.Repository.Backends;
using Keepsake.Repository.Crypto;
using Keepsake.Repository.Index;
using Keepsake.Repository.Packs;

namespace Keepsake.Repository.Internal;

/// <summary>
/// The write pipeline: blobs handed in by the caller (who chunks and hashes) are compressed and
/// sealed by worker tasks, appended to the data or tree pack being built, and finished packs are
/// uploaded by a separate task. Every stage is joined by a bounded channel, so memory stays bounded
/// and chunking, compression/encryption and writing overlap. <see cref="FlushAsync"/> uploads what
/// is left and then writes index files for the new packs (packs before index, as the format requires).
/// </summary>
internal sealed class BlobSaver
{
    private readonly Repository _repository;
    private readonly MasterIndex _index;
    private readonly ConcurrentDictionary<(ObjectId, BlobType), byte> _pending = new();
    private readonly Channel<(BlobType Type, ObjectId Id, byte[] Plain, int Length, bool Pooled)> _jobs;
    private readonly Channel<PackBuilder> _uploads;
    private readonly Task[] _workers;
    private readonly Task[] _uploaders;
    private readonly Lock _packLock = new();
    private const int PacksPerIntermediateIndex = 32;
    private readonly int _packsPerIndex;
    private readonly List<(ObjectId PackId, IReadOnlyList<PackedBlob> Blobs)> _indexedPacks = [];
    private readonly List<ObjectId> _intermediateIndexes = [];

    /// <summary>
    /// Packs written at once. Most of a pack's upload is waiting for the disk (fsync) or the network,
    /// so two in flight keep the pipeline moving while one waits; each holds a pack's buffer.
    /// </summary>
    private const int Uploaders = 2;
    private readonly List<(ObjectId PackId, IReadOnlyList<PackedBlob> Blobs)> _newPacks = [];
    private readonly CancellationTokenSource _cts;
    private Exception? _failure;
    private PackBuilder _dataPack;
    private PackBuilder _treePack;
    private long _bytesAdded;
    private long _blobsAdded;

    /// <summary>
    /// <paramref name="indexEveryPack"/>: each stored pack gets an index file at once, so that a run
    /// killed at any point leaves everything it stored usable by the next one; the final flush then
    /// writes one index for the whole run that supersedes those small files, and removes them.
    /// </summary>
    public BlobSaver(Repository repository, MasterIndex index, CancellationToken cancellationToken, bool indexEveryPack = false)
    {
        _repository = repository;
        _packsPerIndex = indexEveryPack ? 1 : PacksPerIntermediateIndex;
        _index = index;
        _cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        _dataPack = NewPack(BlobType.Data);
        _treePack = NewPack(BlobType.Tree);
        var workers = Math.Max(2, Environment.ProcessorCount);
        _jobs = Channel.CreateBounded<(BlobType, ObjectId, byte[], int, bool)>(new BoundedChannelOptions(workers * 2) { SingleReader = false, SingleWriter = false });
        _uploads = Channel.CreateBounded<PackBuilder>(new BoundedChannelOptions(1) { SingleReader = false });
        _workers = [.. Enumerable.Range(0, workers).Select(_ => Task.Run(WorkAsync))];
        _uploaders = [.. Enumerable.Range(0, Uploaders).Select(_ => Task.Run(UploadAsync))];
    }

    /// <summary>Sealed bytes added to new packs.</summary>
    public long BytesAdded => Interlocked.Read(ref _bytesAdded);

    /// <summary>Blobs added.</summary>
    public long BlobsAdded => Interlocked.Read(ref _blobsAdded);

    /// <summary>Whether the blob is stored or on its way.</summary>
    public bool Has(ObjectId id, BlobType type) => _index.Contains(id, type) || _pending.ContainsKey((id, type));

    /// <summary>Queues the blob unless it is already stored or queued; returns whether it was queued.</summary>
    public ValueTask<bool> SaveAsync(BlobType type, ObjectId id, byte[] plaintext) =>
        SaveAsync(type, id, plaintext, plaintext.Length, pooled: false);

    /// <summary>
    /// Queues <paramref name="length"/> bytes of <paramref name="buffer"/>; a pooled buffer is
    /// returned to the repository's buffer pool once used (or at once when the blob is a duplicate).
    /// </summary>
    public async ValueTask<bool> SaveAsync(BlobType type, ObjectId id, byte[] buffer, int length, bool pooled)
    {
        if (_index.Contains(id, type) || !_pending.TryAdd((id, type), 0))
        {
            if (pooled)
            {
                Keepsake.Repository.Internal.BufferPool.Shared.Return(buffer);
            }

            return false;
        }

        try
        {
            await _jobs.Writer.WriteAsync((type, id, buffer, length, pooled), _cts.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!_cts.IsCancellationRequested || Failure() is not null)
        {
            await FailedAsync().ConfigureAwait(false);
            throw;
        }

        return true;
    }

    /// <summary>Writes all remaining packs, then the index files for all new packs; returns the index IDs.</summary>
    public async Task<List<ObjectId>> FlushAsync(CancellationToken cancellationToken)
    {
        _jobs.Writer.TryComplete();
        await FailedWhenAnyAsync(Task.WhenAll(_workers)).ConfigureAwait(false);
        PackBuilder data;
        PackBuilder tree;
        lock (_packLock)
        {
            data = _dataPack;
            tree = _treePack;
            _dataPack = NewPack(BlobType.Data);
            _treePack = NewPack(BlobType.Tree);
        }

        foreach (var pack in new[] { data, tree })
        {
            if (pack.Count > 0)
            {
                await _uploads.Writer.WriteAsync(pack, _cts.Token).ConfigureAwait(false);
            }
        }

        _uploads.Writer.TryComplete();
        await FailedWhenAnyAsync(Task.WhenAll(_uploaders)).ConfigureAwait(false);
        if (_packsPerIndex > 1 || _intermediateIndexes.Count == 0)
        {
            return await _repository.WriteIndexFilesAsync(_newPacks, [], _index, cancellationToken).ConfigureAwait(false);
        }

        // One index for the run, superseding the per-pack ones (written first, so that a crash in
        // between leaves both, which restic reads fine), then the small files go.
        var written = await _repository.WriteIndexFilesAsync([.. _indexedPacks, .. _newPacks], _intermediateIndexes, _index, cancellationToken).ConfigureAwait(false);
        foreach (var old in _intermediateIndexes)
        {
            await _repository.Backend.RemoveAsync(FileType.Index, old.ToString(), cancellationToken).ConfigureAwait(false);
        }

        return written;
    }

    /// <summary>Stops the pipeline after a failure elsewhere (does not write an index).</summary>
    public async Task AbortAsync()
    {
        await _cts.CancelAsync().ConfigureAwait(false);
        _jobs.Writer.TryComplete();
        _uploads.Writer.TryComplete();
        try
        {
            await Task.WhenAll([.. _workers, .. _uploaders]).ConfigureAwait(false);
        }
        catch (Exception)
        {
            // The caller reports the original failure.
        }
    }

    private async Task FailedWhenAnyAsync(Task task)
    {
        try
        {
            await task.ConfigureAwait(false);
        }
        catch (Exception)
        {
            await FailedAsync().ConfigureAwait(false);
            throw;
        }
    }

    private Exception? Failure() =>
        Volatile.Read(ref _failure) ?? _workers.Concat(_uploaders).FirstOrDefault(t => t.IsFaulted)?.Exception?.InnerException;

    /// <summary>
    /// Records the first real failure of a worker or uploader before the pipeline is cancelled, so that
    /// a caller waiting on the cancelled pipeline gets that failure (a full disk, say), not a
    /// cancellation that looks like Ctrl+C.
    /// </summary>
    private async Task FailAsync(Exception failure)
    {
        if (failure is not OperationCanceledException)
        {
            Interlocked.CompareExchange(ref _failure, failure, null);
        }

        await _cts.CancelAsync().ConfigureAwait(false);
    }

    private async Task FailedAsync()
    {
        var failure = Failure();
        await _cts.CancelAsync().ConfigureAwait(false);
        if (failure is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(failure).Throw();
        }
    }

    private async Task WorkAsync()
    {
        var token = _cts.Token;
        try
        {
            await foreach (var (type, id, buffer, length, pooled) in _jobs.Reader.ReadAllAsync(token).ConfigureAwait(false))
            {
                var plain = buffer.AsSpan(0, length);
                byte[]? compressed = null;
                var payload = plain;
                var uncompressed = 0;
                if (_repository.Version >= 2 && (type == BlobType.Tree || LooksCompressible(plain)))
                {
                    compressed = Keepsake.Repository.Internal.BufferPool.Shared.Rent(Zstd.CompressBound(length));
                    var n = Zstd.Compress(plain, compressed, _repository.Options.CompressionLevel);
                    if (n < length)
                    {
                        payload = compressed.AsSpan(0, n);
                        uncompressed = length;
                    }
                }

                var sealedLength = MasterKey.SealedLength(payload.Length);
                var sealedBlob = Keepsake.Repository.Internal.BufferPool.Shared.Rent(sealedLength);
                _repository.Key.Seal(payload, sealedBlob);
                if (compressed is not null)
                {
                    Keepsake.Repository.Internal.BufferPool.Shared.Return(compressed);
                }

                if (pooled)
                {
                    Keepsake.Repository.Internal.BufferPool.Shared.Return(buffer);
                }

                PackBuilder? full = null;
                lock (_packLock)
                {
                    var builder = type == BlobType.Tree ? _treePack : _dataPack;
                    builder.Add(id, sealedBlob.AsSpan(0, sealedLength), uncompressed);
                    if (builder.Size >= _repository.Options.PackSize)
                    {
                        full = builder;
                        if (type == BlobType.Tree)
                        {
                            _treePack = NewPack(BlobType.Tree);
                        }
                        else
                        {
                            _dataPack = NewPack(BlobType.Data);
                        }
                    }
                }

                Keepsake.Repository.Internal.BufferPool.Shared.Return(sealedBlob);
                Interlocked.Add(ref _bytesAdded, sealedLength);
                Interlocked.Increment(ref _blobsAdded);
                if (full is not null)
                {
                    await _uploads.Writer.WriteAsync(full, token).ConfigureAwait(false);
                }
            }
        }
        catch (Exception e)
        {
            await FailAsync(e).ConfigureAwait(false);
            throw;
        }
    }

    private PackBuilder NewPack(BlobType type) =>
        new(type, type == BlobType.Data ? _repository.Options.PackSize + (1024 * 1024) : 0);

    /// <summary>
    /// Photos and videos do not compress; compressing them costs more time than anything else in a
    /// backup. A 32 KiB sample from the middle of a large blob (past a photo's compressible
    /// metadata), compressed at level 1, decides: it must shrink by 3%.
    /// </summary>
    private static bool LooksCompressible(ReadOnlySpan<byte> plain)
    {
        const int Sample = 32 * 1024;
        if (plain.Length < 4 * Sample)
        {
            return true;
        }

        var sample = plain.Slice((plain.Length / 2) - (Sample / 2), Sample);
        var buffer = Keepsake.Repository.Internal.BufferPool.Shared.Rent(Zstd.CompressBound(Sample));
        try
        {
            return Zstd.Compress(sample, buffer, 1) < Sample * 97 / 100;
        }
        finally
        {
            Keepsake.Repository.Internal.BufferPool.Shared.Return(buffer);
        }
    }

    private async Task UploadAsync()
    {
        var token = _cts.Token;
        try
        {
            await foreach (var builder in _uploads.Reader.ReadAllAsync(token).ConfigureAwait(false))
            {
                var (bytes, packId, blobs) = builder.Finish(_repository.Key);
                try
                {
                    await _repository.Backend.SaveAsync(FileType.Pack, packId.ToString(), bytes, token).ConfigureAwait(false);
                }
                finally
                {
                    builder.Release();
                }

                // Only a pack that is stored (durably) is listed, and so only such packs reach an index file.
                _index.AddPack(packId, blobs);
                List<(ObjectId PackId, IReadOnlyList<PackedBlob> Blobs)>? batch = null;
                lock (_newPacks)
                {
                    _newPacks.Add((packId, blobs));

                    // Every 32 packs (about 512 MiB) the packs so far get an index file, so that a backup
                    // interrupted later still leaves them usable for deduplication by the next one.
                    if (_newPacks.Count >= _packsPerIndex)
                    {
                        batch = [.. _newPacks];
                        _newPacks.Clear();
                    }
                }

                if (batch is not null)
                {
                    var written = await _repository.WriteIndexFilesAsync(batch, [], _index, token).ConfigureAwait(false);
                    if (_packsPerIndex == 1)
                    {
                        lock (_newPacks)
                        {
                            _indexedPacks.AddRange(batch);
                            _intermediateIndexes.AddRange(written);
                        }
                    }
                }
            }
        }
        catch (Exception e)
        {
            await FailAsync(e).ConfigureAwait(false);
            throw;
        }
    }
}
