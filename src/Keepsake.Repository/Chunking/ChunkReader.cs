using System.Buffers;

namespace Keepsake.Repository.Chunking;

/// <summary>
/// Reads a stream and yields its content-defined chunks. Memory is one 512 KiB read buffer plus the
/// chunk being built (at most <see cref="Chunker.MaxSize"/>), both rented from
/// the repository's buffer pool and returned by <see cref="Dispose"/>.
/// </summary>
public sealed class ChunkReader : IDisposable
{
    private const int ReadSize = 512 * 1024;
    private readonly Chunker _chunker;
    private readonly Stream _stream;
    private byte[] _buffer = Keepsake.Repository.Internal.BufferPool.Shared.Rent(ReadSize);
    private byte[] _current = Keepsake.Repository.Internal.BufferPool.Shared.Rent(ReadSize);
    private int _currentLength;
    private int _bufferPos;
    private int _bufferEnd;
    private bool _eof;

    /// <summary>Chunks <paramref name="stream"/> with <paramref name="polynomial"/>.</summary>
    public ChunkReader(Stream stream, ChunkerPolynomial polynomial)
    {
        ArgumentNullException.ThrowIfNull(stream);
        _stream = stream;
        _chunker = new Chunker(polynomial);
    }

    /// <summary>The next chunk, or null at the end of the stream.</summary>
    public async ValueTask<byte[]?> NextAsync(CancellationToken cancellationToken = default)
    {
        var found = await FillNextAsync(cancellationToken).ConfigureAwait(false);
        return found ? _current.AsSpan(0, _currentLength).ToArray() : null;
    }

    /// <summary>
    /// The next chunk in an array rented from the repository's buffer pool (the caller
    /// returns it), or null at the end of the stream.
    /// </summary>
    internal async ValueTask<(byte[] Buffer, int Length)?> NextPooledAsync(CancellationToken cancellationToken = default)
    {
        if (!await FillNextAsync(cancellationToken).ConfigureAwait(false))
        {
            return null;
        }

        var buffer = Keepsake.Repository.Internal.BufferPool.Shared.Rent(_currentLength);
        _current.AsSpan(0, _currentLength).CopyTo(buffer);
        return (buffer, _currentLength);
    }

    /// <summary>Returns the buffers to the pool.</summary>
    public void Dispose()
    {
        if (_buffer.Length > 0)
        {
            Keepsake.Repository.Internal.BufferPool.Shared.Return(_buffer);
            Keepsake.Repository.Internal.BufferPool.Shared.Return(_current);
            _buffer = [];
            _current = [];
        }
    }

    private async ValueTask<bool> FillNextAsync(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_buffer.Length == 0, this);
        _currentLength = 0;
        while (true)
        {
            if (_bufferPos >= _bufferEnd)
            {
                if (_eof)
                {
                    return _currentLength > 0;
                }

                _bufferEnd = await ReadFullAsync(cancellationToken).ConfigureAwait(false);
                _bufferPos = 0;
                if (_bufferEnd == 0)
                {
                    _eof = true;
                    continue;
                }
            }

            var split = _chunker.NextSplitPoint(_buffer.AsSpan(_bufferPos, _bufferEnd - _bufferPos));
            if (split < 0)
            {
                Append(_buffer.AsSpan(_bufferPos, _bufferEnd - _bufferPos));
                _bufferPos = _bufferEnd;
            }
            else
            {
                Append(_buffer.AsSpan(_bufferPos, split));
                _bufferPos += split;
                return true;
            }
        }
    }

    private void Append(ReadOnlySpan<byte> data)
    {
        if (_currentLength + data.Length > _current.Length)
        {
            var bigger = Keepsake.Repository.Internal.BufferPool.Shared.Rent(Math.Max(_current.Length * 2, _currentLength + data.Length));
            _current.AsSpan(0, _currentLength).CopyTo(bigger);
            Keepsake.Repository.Internal.BufferPool.Shared.Return(_current);
            _current = bigger;
        }

        data.CopyTo(_current.AsSpan(_currentLength));
        _currentLength += data.Length;
    }

    private async ValueTask<int> ReadFullAsync(CancellationToken cancellationToken)
    {
        var total = 0;
        while (total < ReadSize)
        {
            var n = await _stream.ReadAsync(_buffer.AsMemory(total, ReadSize - total), cancellationToken).ConfigureAwait(false);
            if (n == 0)
            {
                break;
            }

            total += n;
        }

        return total;
    }
}
