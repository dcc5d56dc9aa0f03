using System.Runtime.ExceptionServices;
using System.Threading.Channels;

namespace Keepsake.Export.Messages;

/// <summary>
/// Enumerates a source on a thread of its own, a bounded number of batches ahead of the consumer, so
/// that reading (SQLite, typedstream decoding) and writing (formatting, file output) run on two cores.
/// At most <c>batchSize × depth</c> items are in flight. The source is enumerated and disposed on the
/// producer thread only; an exception it throws is rethrown by <see cref="MoveNextAsync"/> where the
/// consumer reaches it. Disposing stops the producer and waits for it.
/// </summary>
internal sealed class PrefetchingEnumerator<T> : IAsyncEnumerator<T>
    where T : class
{
    private readonly Channel<T[]> _channel;
    private readonly CancellationTokenSource _stop;
    private readonly Thread _thread;
    private readonly int _batchSize;
    private T[] _batch = [];
    private int _index;
    private ExceptionDispatchInfo? _failure;
    private T? _current;

    private PrefetchingEnumerator(Func<CancellationToken, IEnumerable<T>> source, int batchSize, int depth, CancellationToken cancellationToken)
    {
        _batchSize = batchSize;
        _channel = Channel.CreateBounded<T[]>(new BoundedChannelOptions(depth) { SingleReader = true, SingleWriter = true });
        _stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        _thread = new Thread(() => Produce(source)) { IsBackground = true, Name = "keepsake export reader" };
        _thread.Start();
    }

    public T Current => _current ?? throw new InvalidOperationException("MoveNextAsync has not returned true.");

    /// <summary>
    /// Starts enumerating <paramref name="source"/> (called with a token that is cancelled when the
    /// consumer stops or <paramref name="cancellationToken"/> is cancelled) on a new thread.
    /// </summary>
    public static PrefetchingEnumerator<T> Start(Func<CancellationToken, IEnumerable<T>> source, int batchSize = 256, int depth = 8, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(depth, 1);
        return new PrefetchingEnumerator<T>(source, batchSize, depth, cancellationToken);
    }

    public async ValueTask<bool> MoveNextAsync()
    {
        while (_index >= _batch.Length)
        {
            if (!await _channel.Reader.WaitToReadAsync().ConfigureAwait(false))
            {
                _failure?.Throw();
                _current = null;
                return false;
            }

            if (_channel.Reader.TryRead(out var batch))
            {
                _batch = batch;
                _index = 0;
            }
        }

        _current = _batch[_index];
        _batch[_index++] = null!; // the consumer holds it now; let it go when it is done with it
        return true;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        while (_channel.Reader.TryRead(out _))
        {
            // unblock a producer waiting for room
        }

        _thread.Join();
        _stop.Dispose();
    }

    private void Produce(Func<CancellationToken, IEnumerable<T>> source)
    {
        var token = _stop.Token;
        var batch = new List<T>(_batchSize);
        try
        {
            foreach (var item in source(token))
            {
                batch.Add(item);
                if (batch.Count == _batchSize)
                {
                    Write(batch.ToArray(), token);
                    batch.Clear();
                }
            }
        }
#pragma warning disable CA1031 // any failure of the source (a cancellation too) is handed to the consumer, which rethrows it after the items before it
        catch (Exception ex)
#pragma warning restore CA1031
        {
            _failure = ExceptionDispatchInfo.Capture(ex);
        }

        try
        {
            if (batch.Count > 0 && !token.IsCancellationRequested)
            {
                Write(batch.ToArray(), token);
            }
        }
        catch (OperationCanceledException)
        {
            // the consumer stopped meanwhile
        }
        finally
        {
            _channel.Writer.TryComplete();
        }
    }

    private void Write(T[] batch, CancellationToken token)
    {
        while (!_channel.Writer.TryWrite(batch))
        {
            if (!_channel.Writer.WaitToWriteAsync(token).AsTask().GetAwaiter().GetResult())
            {
                return;
            }
        }
    }
}
