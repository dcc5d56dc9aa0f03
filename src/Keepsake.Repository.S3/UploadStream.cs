namespace Keepsake.Repository.S3;

/// <summary>
/// A read-only, seekable view of bytes being uploaded: with a limiter, paces what the HTTP client reads. Reads are at most 64 KiB so the pacing is smooth.
/// </summary>
internal sealed class UploadStream(ReadOnlyMemory<byte> data, UploadLimiter? limiter) : Stream
{
    private const int MaxRead = 64 * 1024;
    private long _position;

    public override bool CanRead => true;

    public override bool CanSeek => true;

    public override bool CanWrite => false;

    public override long Length => data.Length;

    public override long Position
    {
        get => _position;
        set => _position = value is >= 0 ? value : throw new ArgumentOutOfRangeException(nameof(value));
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var n = Take(buffer.Length);
        if (n > 0 && limiter is not null)
        {
            limiter.WaitAsync(n, CancellationToken.None).AsTask().GetAwaiter().GetResult();
        }

        return Copy(buffer, n);
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var n = Take(buffer.Length);
        if (n > 0 && limiter is not null)
        {
            await limiter.WaitAsync(n, cancellationToken).ConfigureAwait(false);
        }

        return Copy(buffer.Span, n);
    }

    public override long Seek(long offset, SeekOrigin origin)
    {
        Position = origin switch
        {
            SeekOrigin.Begin => offset,
            SeekOrigin.Current => _position + offset,
            SeekOrigin.End => data.Length + offset,
            _ => throw new ArgumentOutOfRangeException(nameof(origin)),
        };
        return _position;
    }

    public override void Flush()
    {
    }

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    private int Take(int wanted) => (int)Math.Clamp(Math.Min(wanted, MaxRead), 0, Math.Max(0, data.Length - _position));

    private int Copy(Span<byte> buffer, int n)
    {
        data.Span.Slice((int)_position, n).CopyTo(buffer);
        _position += n;
        return n;
    }
}
