using Keepsake.Repository.Trees;

namespace Keepsake.Repository;

/// <summary>
/// A file of a snapshot as a forward-only stream: each data blob is fetched, decrypted and verified
/// (MAC and SHA-256) only when the reader reaches it, so at most one blob is held in memory.
/// </summary>
public sealed class SnapshotFileStream : Stream
{
    private readonly Repository _repository;
    private readonly IReadOnlyList<ObjectId> _content;
    private readonly long _length;
    private byte[] _current = [];
    private int _currentPos;
    private int _nextBlob;
    private long _position;

    internal SnapshotFileStream(Repository repository, Node node)
    {
        _repository = repository;
        _content = node.Content ?? [];
        _length = (long)node.Size;
    }

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    /// <summary>The file's size as recorded in its node.</summary>
    public override long Length => _length;

    public override long Position
    {
        get => _position;
        set => throw new NotSupportedException("A snapshot file stream reads forward only.");
    }

    public override int Read(byte[] buffer, int offset, int count) =>
        ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override int Read(Span<byte> buffer)
    {
        var tmp = new byte[buffer.Length];
        var n = ReadAsync(tmp.AsMemory()).AsTask().GetAwaiter().GetResult();
        tmp.AsSpan(0, n).CopyTo(buffer);
        return n;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (buffer.Length == 0)
        {
            return 0;
        }

        while (_currentPos >= _current.Length)
        {
            if (_nextBlob >= _content.Count)
            {
                return 0;
            }

            _current = await _repository.LoadBlobAsync(BlobType.Data, _content[_nextBlob++], cancellationToken).ConfigureAwait(false);
            _currentPos = 0;
        }

        var n = Math.Min(buffer.Length, _current.Length - _currentPos);
        _current.AsMemory(_currentPos, n).CopyTo(buffer);
        _currentPos += n;
        _position += n;
        return n;
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException("A snapshot file stream reads forward only.");

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
