using System.Security.Cryptography;

namespace Keepsake.BackupFormat.Crypto;

/// <summary>
/// A write-only stream that AES-CBC-encrypts what is written to it (IV zero unless given) into an
/// inner stream, adding PKCS#7 padding when disposed (or at <see cref="FlushFinalBlock"/>).
/// The counterpart of <see cref="CbcDecryptingStream"/>; used by the backup writer.
/// </summary>
public sealed class CbcEncryptingStream : Stream
{
    private const int BlockSize = 16;
    private const int BufferSize = 256 * 1024;

    private readonly Stream _inner;
    private readonly bool _leaveOpen;
    private readonly Aes _aes;
    private readonly byte[] _iv = new byte[BlockSize];
    private readonly byte[] _pending = new byte[BufferSize];
    private readonly byte[] _output = new byte[BufferSize];
    private int _pendingLength;
    private bool _finalBlockWritten;
    private bool _disposed;

    public CbcEncryptingStream(Stream inner, ReadOnlySpan<byte> key, ReadOnlySpan<byte> iv = default, bool leaveOpen = false)
    {
        ArgumentNullException.ThrowIfNull(inner);
        if (!inner.CanWrite)
        {
            throw new ArgumentException("The inner stream must be writable.", nameof(inner));
        }

        if (key.Length is not (16 or 24 or 32))
        {
            throw new ArgumentException("An AES key is 16, 24 or 32 bytes.", nameof(key));
        }

        if (!iv.IsEmpty && iv.Length != BlockSize)
        {
            throw new ArgumentException("The IV must be 16 bytes.", nameof(iv));
        }

        _inner = inner;
        _leaveOpen = leaveOpen;
        _aes = Aes.Create();
        _aes.SetKey(key);
        iv.CopyTo(_iv);
    }

    /// <summary>Plaintext bytes written so far.</summary>
    public long PlaintextLength { get; private set; }

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => !_disposed && !_finalBlockWritten;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override void Write(byte[] buffer, int offset, int count)
    {
        ValidateBufferArguments(buffer, offset, count);
        Write(buffer.AsSpan(offset, count));
    }

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_finalBlockWritten)
        {
            throw new InvalidOperationException("The final block has already been written.");
        }

        PlaintextLength += buffer.Length;
        while (!buffer.IsEmpty)
        {
            var n = Math.Min(buffer.Length, _pending.Length - _pendingLength);
            buffer[..n].CopyTo(_pending.AsSpan(_pendingLength));
            _pendingLength += n;
            buffer = buffer[n..];
            if (_pendingLength == _pending.Length)
            {
                // Keep nothing back: full blocks only, and the buffer is a multiple of 16.
                EncryptAndWrite(_pendingLength);
                _pendingLength = 0;
            }
        }
    }

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        Write(buffer.Span);
        return ValueTask.CompletedTask;
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
    {
        ValidateBufferArguments(buffer, offset, count);
        return WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();
    }

    /// <summary>Pads and writes the last block. Further writes are refused.</summary>
    public void FlushFinalBlock()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_finalBlockWritten)
        {
            return;
        }

        var full = _pendingLength / BlockSize * BlockSize;
        if (full > 0)
        {
            EncryptAndWrite(full);
            _pending.AsSpan(full, _pendingLength - full).CopyTo(_pending);
            _pendingLength -= full;
        }

        var pad = (byte)(BlockSize - _pendingLength);
        _pending.AsSpan(_pendingLength, pad).Fill(pad);
        EncryptAndWrite(BlockSize);
        _pendingLength = 0;
        _finalBlockWritten = true;
        _inner.Flush();
    }

    public override void Flush() => _inner.Flush();

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (!_disposed && disposing)
        {
            try
            {
                FlushFinalBlock();
            }
            finally
            {
                _disposed = true;
                _aes.Dispose();
                CryptographicOperations.ZeroMemory(_pending);
                CryptographicOperations.ZeroMemory(_iv);
                if (!_leaveOpen)
                {
                    _inner.Dispose();
                }
            }
        }

        base.Dispose(disposing);
    }

    private void EncryptAndWrite(int length)
    {
        _aes.EncryptCbc(_pending.AsSpan(0, length), _iv, _output.AsSpan(0, length), PaddingMode.None);
        _output.AsSpan(length - BlockSize, BlockSize).CopyTo(_iv);
        _inner.Write(_output, 0, length);
    }
}
