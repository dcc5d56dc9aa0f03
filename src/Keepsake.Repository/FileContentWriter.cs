using System.Security.Cryptography;
using Keepsake.Repository.Chunking;
using Keepsake.Repository.Internal;

namespace Keepsake.Repository;

/// <summary>
/// One file's content pushed into the vault: written bytes are cut into content-defined chunks as
/// they arrive (the same chunks a backup of the file from disk gives, so both deduplicate), and
/// each chunk goes to the pack pipeline at once. Holds at most one chunk (8 MiB) in memory.
/// <see cref="CompleteAsync"/> ends the file and gives its content; disposing without it drops the
/// unfinished tail.
/// </summary>
public sealed class FileContentWriter : Stream
{
    private readonly BlobSaver _saver;
    private readonly Chunker _chunker;
    private readonly List<ObjectId> _content = [];
    private byte[] _current = BufferPool.Shared.Rent(Chunker.MinSize);
    private int _currentLength;
    private long _length;
    private bool _completed;

    internal FileContentWriter(BlobSaver saver, ChunkerPolynomial polynomial)
    {
        _saver = saver;
        _chunker = new Chunker(polynomial);
    }

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => !_completed;

    /// <summary>Bytes written so far.</summary>
    public override long Length => _length;

    public override long Position { get => _length; set => throw new NotSupportedException(); }

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_completed, this);
        while (!buffer.IsEmpty)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var split = _chunker.NextSplitPoint(buffer.Span);
            var take = split < 0 ? buffer.Length : split;
            Append(buffer.Span[..take]);
            buffer = buffer[take..];
            if (split >= 0)
            {
                await EmitAsync().ConfigureAwait(false);
            }
        }
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Write(byte[] buffer, int offset, int count) =>
        WriteAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    /// <summary>Ends the file: stores its last chunk and returns the content (chunk ids in order) and size.</summary>
    public async Task<(IReadOnlyList<ObjectId> Content, long Size)> CompleteAsync()
    {
        ObjectDisposedException.ThrowIf(_completed, this);
        if (_currentLength > 0)
        {
            await EmitAsync().ConfigureAwait(false);
        }

        Release();
        return (_content, _length);
    }

    public override void Flush()
    {
    }

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        Release();
        base.Dispose(disposing);
    }

    private void Release()
    {
        if (!_completed)
        {
            _completed = true;
            BufferPool.Shared.Return(_current);
            _current = [];
        }
    }

    private void Append(ReadOnlySpan<byte> data)
    {
        if (_currentLength + data.Length > _current.Length)
        {
            var bigger = BufferPool.Shared.Rent(Math.Min(Chunker.MaxSize, Math.Max(_current.Length * 2, _currentLength + data.Length)));
            _current.AsSpan(0, _currentLength).CopyTo(bigger);
            BufferPool.Shared.Return(_current);
            _current = bigger;
        }

        data.CopyTo(_current.AsSpan(_currentLength));
        _currentLength += data.Length;
        _length += data.Length;
    }

    private async Task EmitAsync()
    {
        var chunk = BufferPool.Shared.Rent(_currentLength);
        _current.AsSpan(0, _currentLength).CopyTo(chunk);
        var id = new ObjectId(SHA256.HashData(chunk.AsSpan(0, _currentLength)));
        var length = _currentLength;
        _currentLength = 0;
        _content.Add(id);
        await _saver.SaveAsync(BlobType.Data, id, chunk, length, pooled: true).ConfigureAwait(false);
    }
}
