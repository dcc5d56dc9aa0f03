namespace Keepsake.Repository.Chunking;

/// <summary>
/// Reads a stream and yields its content-defined chunks, each in its own array. Memory is one
/// read buffer plus the chunk being built (at most <see cref="Chunker.MaxSize"/>).
/// </summary>
public sealed class ChunkReader
{
    private const int ReadSize = 512 * 1024;
    private readonly Chunker _chunker;
    private readonly Stream _stream;
    private readonly byte[] _buffer = new byte[ReadSize];
    private readonly MemoryStream _current = new();
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
        return found ? _current.ToArray() : null;
    }

    /// <summary>
    /// The next chunk in an array rented from <see cref="System.Buffers.ArrayPool{T}.Shared"/> (the
    /// caller returns it), or null at the end of the stream.
    /// </summary>
    internal async ValueTask<(byte[] Buffer, int Length)?> NextPooledAsync(CancellationToken cancellationToken = default)
    {
        if (!await FillNextAsync(cancellationToken).ConfigureAwait(false))
        {
            return null;
        }

        var length = (int)_current.Length;
        var buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(length);
        _current.GetBuffer().AsSpan(0, length).CopyTo(buffer);
        return (buffer, length);
    }

    private async ValueTask<bool> FillNextAsync(CancellationToken cancellationToken)
    {
        _current.SetLength(0);
        while (true)
        {
            if (_bufferPos >= _bufferEnd)
            {
                if (_eof)
                {
                    return _current.Length > 0;
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
                _current.Write(_buffer, _bufferPos, _bufferEnd - _bufferPos);
                _bufferPos = _bufferEnd;
            }
            else
            {
                _current.Write(_buffer, _bufferPos, split);
                _bufferPos += split;
                return true;
            }
        }
    }

    private async ValueTask<int> ReadFullAsync(CancellationToken cancellationToken)
    {
        var total = 0;
        while (total < _buffer.Length)
        {
            var n = await _stream.ReadAsync(_buffer.AsMemory(total), cancellationToken).ConfigureAwait(false);
            if (n == 0)
            {
                break;
            }

            total += n;
        }

        return total;
    }
}
