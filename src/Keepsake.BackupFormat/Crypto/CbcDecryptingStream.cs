using System.Security.Cryptography;

namespace Keepsake.BackupFormat.Crypto;

/// <summary>
/// A read-only, forward-only stream that decrypts AES-CBC ciphertext (IV zero unless given) from
/// an inner stream as it is read, and removes the PKCS#7 padding. The last block is held back until
/// the inner stream ends so that its padding can be checked; nothing is trusted about the length
/// except that it is a multiple of 16. Damaged input (length not a multiple of 16, bad padding)
/// raises <see cref="BackupFormatException"/> with <see cref="BackupFormatError.CorruptBlob"/>
/// naming <c>name</c>. Large reads are decrypted on two cores (CBC decryption of a span of blocks needs only the
/// ciphertext block before it, so two halves are independent). See docs/design/backup-format.md, "File decryption".
/// </summary>
public sealed class CbcDecryptingStream : Stream
{
    private const int BlockSize = 16;
    private const int DefaultBufferSize = 256 * 1024;
    private const int DirectThreshold = 16 * 1024;

    /// <summary>Reads this large or larger are split over two cores (below it, handing work over costs more than it saves).</summary>
    private const int ParallelThreshold = 256 * 1024;

    private readonly Stream _inner;
    private readonly bool _leaveOpen;
    private readonly string? _name;
    private readonly bool _removePadding;
    private readonly Aes _aes;
    private readonly Aes? _second;
    private readonly byte[] _iv = new byte[BlockSize];
    private readonly byte[] _cipher;
    private readonly byte[] _plain;
    private int _cipherLength;
    private int _plainStart;
    private int _plainEnd;
    private long _cipherTotal;
    private bool _finished;
    private bool _disposed;

    /// <summary>Decrypts <paramref name="inner"/> with <paramref name="key"/> (16, 24 or 32 bytes).</summary>
    /// <param name="inner">The ciphertext, read forward once.</param>
    /// <param name="key">The AES key; copied, and wiped on dispose.</param>
    /// <param name="iv">The initialisation vector; 16 zero bytes when empty.</param>
    /// <param name="name">What to call the data in error messages (e.g. "HomeDomain/Library/SMS/sms.db").</param>
    /// <param name="leaveOpen">Whether disposing this stream leaves <paramref name="inner"/> open.</param>
    /// <param name="bufferSize">Ciphertext buffer size, rounded up to a multiple of 16.</param>
    /// <param name="removePadding">Whether the plaintext ends in PKCS#7 padding to check and remove (true for backup files).</param>
    /// <param name="useTwoCores">Whether reads of 256 KiB or more are decrypted on two cores (when the machine has them).</param>
    public CbcDecryptingStream(Stream inner, ReadOnlySpan<byte> key, ReadOnlySpan<byte> iv = default, string? name = null, bool leaveOpen = false, int bufferSize = DefaultBufferSize, bool removePadding = true, bool useTwoCores = true)
    {
        ArgumentNullException.ThrowIfNull(inner);
        if (!inner.CanRead)
        {
            throw new ArgumentException("The inner stream must be readable.", nameof(inner));
        }

        if (key.Length is not (16 or 24 or 32))
        {
            throw new ArgumentException("An AES key is 16, 24 or 32 bytes.", nameof(key));
        }

        if (!iv.IsEmpty && iv.Length != BlockSize)
        {
            throw new ArgumentException("The IV must be 16 bytes.", nameof(iv));
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(bufferSize, 2 * BlockSize);
        bufferSize = (bufferSize + BlockSize - 1) / BlockSize * BlockSize;
        _inner = inner;
        _leaveOpen = leaveOpen;
        _name = name;
        _removePadding = removePadding;
        _aes = Aes.Create();
        _aes.SetKey(key);
        if (useTwoCores && Environment.ProcessorCount > 1)
        {
            // An Aes instance is not for concurrent use: the second half gets its own.
            _second = Aes.Create();
            _second.SetKey(key);
        }

        iv.CopyTo(_iv);
        _cipher = new byte[bufferSize];
        _plain = new byte[bufferSize];
    }

    public override bool CanRead => !_disposed;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count)
    {
        ValidateBufferArguments(buffer, offset, count);
        return Read(buffer.AsSpan(offset, count));
    }

    public override int Read(Span<byte> buffer)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (buffer.IsEmpty)
        {
            return 0;
        }

        while (true)
        {
            if (_plainStart < _plainEnd)
            {
                var n = Math.Min(buffer.Length, _plainEnd - _plainStart);
                _plain.AsSpan(_plainStart, n).CopyTo(buffer);
                _plainStart += n;
                return n;
            }

            if (_finished)
            {
                return 0;
            }

            var direct = buffer.Length >= DirectThreshold && buffer.Length >= _cipherLength
                ? ReadDirect(buffer)
                : FillAndDecrypt(buffer);
            if (direct > 0)
            {
                return direct;
            }
        }
    }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return ValueTask.FromResult(Read(buffer.Span));
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
    {
        ValidateBufferArguments(buffer, offset, count);
        return ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (!_disposed && disposing)
        {
            _disposed = true;
            _aes.Dispose();
            _second?.Dispose();
            CryptographicOperations.ZeroMemory(_plain);
            CryptographicOperations.ZeroMemory(_iv);
            if (!_leaveOpen)
            {
                _inner.Dispose();
            }
        }

        base.Dispose(disposing);
    }

    /// <summary>
    /// Reads more ciphertext and decrypts what can be released. Decrypts straight into
    /// <paramref name="destination"/> when it is large enough (returning the byte count), else into
    /// the internal buffer (returning 0).
    /// </summary>
    private int FillAndDecrypt(Span<byte> destination)
    {
        var endOfStream = false;
        while (_cipherLength < _cipher.Length)
        {
            var read = _inner.Read(_cipher, _cipherLength, _cipher.Length - _cipherLength);
            if (read == 0)
            {
                endOfStream = true;
                break;
            }

            _cipherLength += read;
            _cipherTotal += read;
        }

        if (!endOfStream)
        {
            // Buffer full: release every block but the last, which may carry the padding.
            var release = _cipherLength - BlockSize;
            var target = destination.Length >= release ? destination : _plain;
            _aes.DecryptCbc(_cipher.AsSpan(0, release), _iv, target[..release], PaddingMode.None);
            _cipher.AsSpan(release - BlockSize, BlockSize).CopyTo(_iv);
            _cipher.AsSpan(release, BlockSize).CopyTo(_cipher);
            _cipherLength = BlockSize;
            return SetReleased(destination, target, release, release);
        }

        _finished = true;
        if (_cipherLength % BlockSize != 0)
        {
            throw new BackupFormatException(BackupFormatError.CorruptBlob, _name, $"the encrypted data is {_cipherTotal} bytes long, not a multiple of 16");
        }

        if (_cipherLength == 0)
        {
            if (_cipherTotal == 0)
            {
                return 0;
            }

            throw new BackupFormatException(BackupFormatError.CorruptBlob, _name, "the encrypted data ended unexpectedly");
        }

        var length = _cipherLength;
        var finalTarget = destination.Length >= length ? destination : _plain;
        _aes.DecryptCbc(_cipher.AsSpan(0, length), _iv, finalTarget[..length], PaddingMode.None);
        if (!_removePadding)
        {
            _cipherLength = 0;
            return SetReleased(destination, finalTarget, length, length);
        }

        var pad = finalTarget[length - 1];
        var valid = pad is >= 1 and <= BlockSize;
        if (valid)
        {
            foreach (var b in finalTarget.Slice(length - pad, pad))
            {
                valid &= b == pad;
            }
        }

        if (!valid)
        {
            finalTarget[..length].Clear();
            throw new BackupFormatException(BackupFormatError.CorruptBlob, _name, "the decrypted data has invalid PKCS#7 padding (wrong key, or damaged or truncated data)");
        }

        _cipherLength = 0;
        return SetReleased(destination, finalTarget, length - pad, length);
    }

    /// <summary>
    /// Decrypts whole blocks in place with the current IV (which the caller then moves on). From
    /// <see cref="ParallelThreshold"/> up, the second half runs on another core: its IV is the last ciphertext
    /// block of the first half, copied before the first half is overwritten; the halves do not overlap, and the
    /// buffer stays pinned until both are done.
    /// </summary>
    private unsafe void DecryptInPlace(Span<byte> data)
    {
        if (_second is null || data.Length < ParallelThreshold)
        {
            _aes.DecryptCbc(data, _iv, data, PaddingMode.None);
            return;
        }

        var half = data.Length / 2 / BlockSize * BlockSize;
        var secondIv = data.Slice(half - BlockSize, BlockSize).ToArray();
        fixed (byte* start = data)
        {
            var address = (nint)start;
            var length = data.Length;
            var second = Task.Run(() =>
            {
                var tail = new Span<byte>((byte*)address + half, length - half);
                _second.DecryptCbc(tail, secondIv, tail, PaddingMode.None);
            });
            _aes.DecryptCbc(data[..half], _iv, data[..half], PaddingMode.None);
            second.GetAwaiter().GetResult();
        }
    }

    /// <summary>
    /// Large reads: ciphertext goes straight into the caller's buffer and is decrypted in place
    /// (one copy fewer). The last full block and any partial one are carried to the next call.
    /// </summary>
    private int ReadDirect(Span<byte> destination)
    {
        var have = _cipherLength;
        _cipher.AsSpan(0, have).CopyTo(destination);
        _cipherLength = 0;
        var endOfStream = false;
        while (have < destination.Length)
        {
            var n = _inner.Read(destination[have..]);
            if (n == 0)
            {
                endOfStream = true;
                break;
            }

            have += n;
            _cipherTotal += n;
        }

        if (!endOfStream)
        {
            var release = (have / BlockSize * BlockSize) - BlockSize;
            Span<byte> nextIv = stackalloc byte[BlockSize];
            destination.Slice(release - BlockSize, BlockSize).CopyTo(nextIv);
            destination[release..have].CopyTo(_cipher);
            _cipherLength = have - release;
            DecryptInPlace(destination[..release]);
            nextIv.CopyTo(_iv);
            return release;
        }

        _finished = true;
        if (have % BlockSize != 0)
        {
            destination[..have].Clear();
            throw new BackupFormatException(BackupFormatError.CorruptBlob, _name, $"the encrypted data is {_cipherTotal} bytes long, not a multiple of 16");
        }

        if (have == 0)
        {
            return 0;
        }

        DecryptInPlace(destination[..have]);
        if (!_removePadding)
        {
            return have;
        }

        var pad = destination[have - 1];
        var valid = pad is >= 1 and <= BlockSize;
        if (valid)
        {
            foreach (var b in destination.Slice(have - pad, pad))
            {
                valid &= b == pad;
            }
        }

        if (!valid)
        {
            destination[..have].Clear();
            throw new BackupFormatException(BackupFormatError.CorruptBlob, _name, "the decrypted data has invalid PKCS#7 padding (wrong key, or damaged or truncated data)");
        }

        destination[(have - pad)..have].Clear();
        return have - pad;
    }

    private int SetReleased(Span<byte> destination, Span<byte> target, int plainLength, int decrypted)
    {
        if (target == destination)
        {
            // Any padding bytes written past plainLength are beyond what the caller was told about.
            destination[plainLength..decrypted].Clear();
            if (plainLength == 0 && !_finished)
            {
                return 0;
            }

            return plainLength;
        }

        _plainStart = 0;
        _plainEnd = plainLength;
        return 0;
    }
}
