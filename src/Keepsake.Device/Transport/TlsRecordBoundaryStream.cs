using System.Buffers.Binary;

namespace Keepsake.Device.Transport;

/// <summary>
/// Sits between an <see cref="System.Net.Security.SslStream"/> and the socket and never hands out a
/// byte past the end of the current TLS record, so that when lockdown leaves TLS (StopSession) the
/// plaintext that follows is still unread on the socket. Writes pass straight through.
/// </summary>
internal sealed class TlsRecordBoundaryStream(Stream inner) : Stream
{
    private const int RecordHeaderLength = 5;
    private readonly byte[] _header = new byte[RecordHeaderLength];
    private int _headerServed = RecordHeaderLength;
    private int _bodyRemaining;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    /// <summary>Reads and discards one whole TLS record (the peer's close_notify); false on end of stream.</summary>
    public async Task<bool> SkipRecordAsync(CancellationToken cancellationToken)
    {
        if (_headerServed < RecordHeaderLength || _bodyRemaining > 0)
        {
            throw new InvalidOperationException("A TLS record is partially consumed.");
        }

        var header = new byte[RecordHeaderLength];
        var got = await inner.ReadAtLeastAsync(header, RecordHeaderLength, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
        if (got < RecordHeaderLength)
        {
            return false;
        }

        var length = BinaryPrimitives.ReadUInt16BigEndian(header.AsSpan(3));
        var skip = new byte[length];
        await inner.ReadExactlyAsync(skip, cancellationToken).ConfigureAwait(false);
        return true;
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (buffer.Length == 0)
        {
            return 0;
        }

        if (_headerServed == RecordHeaderLength && _bodyRemaining == 0)
        {
            var got = await inner.ReadAtLeastAsync(_header, RecordHeaderLength, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
            if (got == 0)
            {
                return 0;
            }

            if (got < RecordHeaderLength)
            {
                throw new IOException("The connection closed inside a TLS record header.");
            }

            _headerServed = 0;
            _bodyRemaining = BinaryPrimitives.ReadUInt16BigEndian(_header.AsSpan(3));
        }

        if (_headerServed < RecordHeaderLength)
        {
            var n = Math.Min(buffer.Length, RecordHeaderLength - _headerServed);
            _header.AsMemory(_headerServed, n).CopyTo(buffer);
            _headerServed += n;
            return n;
        }

        var read = await inner.ReadAsync(buffer[..Math.Min(buffer.Length, _bodyRemaining)], cancellationToken).ConfigureAwait(false);
        if (read == 0)
        {
            throw new IOException("The connection closed inside a TLS record.");
        }

        _bodyRemaining -= read;
        return read;
    }

    public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) => inner.WriteAsync(buffer, cancellationToken);

    public override void Write(byte[] buffer, int offset, int count) => inner.Write(buffer, offset, count);

    public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);

    public override void Flush() => inner.Flush();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();
}
