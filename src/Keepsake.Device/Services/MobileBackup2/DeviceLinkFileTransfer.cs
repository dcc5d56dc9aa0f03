using System.Buffers;
using System.Buffers.Binary;
using System.Text;
using Keepsake.Device.Transport;

namespace Keepsake.Device.Services.MobileBackup2;

/// <summary>
/// The raw file-transfer framing on a mobilebackup2 socket (outside plists), used in both
/// directions: names as <c>u32 BE length + UTF-8</c>, content as blocks <c>u32 BE L, code byte,
/// L-1 bytes</c>, a file ended by a Success or error block, a batch ended by <c>u32 0</c>.
/// </summary>
public static class DeviceLinkFileTransfer
{
    /// <summary>Names longer than this abort the transfer (as libimobiledevice does).</summary>
    public const int MaxNameLength = 4096;

    /// <summary>Chunk size for file data (Apple's host uses 32 KiB frames).</summary>
    public const int ChunkSize = 32 * 1024;

    /// <summary>Error texts longer than this are refused.</summary>
    public const int MaxErrorLength = 64 * 1024;

    /// <summary>Data blocks longer than this are refused before allocating.</summary>
    public const int MaxBlockLength = 16 * 1024 * 1024;

    /// <summary>Writes a <c>u32 length + UTF-8</c> name.</summary>
    public static async Task WriteNameAsync(Stream stream, string name, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(name);
        var bytes = Encoding.UTF8.GetBytes(name);
        var frame = new byte[4 + bytes.Length];
        BinaryPrimitives.WriteUInt32BigEndian(frame, (uint)bytes.Length);
        bytes.CopyTo(frame, 4);
        await stream.WriteAsync(frame, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Writes the <c>u32 0</c> that ends a batch.</summary>
    public static Task WriteEndOfBatchAsync(Stream stream, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        return stream.WriteAsync(new byte[4], cancellationToken).AsTask();
    }

    /// <summary>Writes one block with its code byte.</summary>
    public static async Task WriteBlockAsync(Stream stream, DeviceLinkFileCode code, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var frame = ArrayPool<byte>.Shared.Rent(5 + payload.Length);
        try
        {
            BinaryPrimitives.WriteUInt32BigEndian(frame, (uint)(payload.Length + 1));
            frame[4] = (byte)code;
            payload.Span.CopyTo(frame.AsSpan(5));
            await stream.WriteAsync(frame.AsMemory(0, 5 + payload.Length), cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(frame);
        }
    }

    /// <summary>Bytes read per call when receiving file data.</summary>
    public const int ReceiveBufferSize = 1024 * 1024;

    /// <summary>Sends a whole file's content in 32 KiB data blocks (as hosts do) followed by a Success block; returns the byte count.</summary>
    public static Task<long> WriteContentAsync(Stream stream, Stream content, CancellationToken cancellationToken = default) =>
        WriteContentAsync(stream, content, ChunkSize, cancellationToken);

    /// <summary>
    /// Sends a whole file's content as data blocks of at most <paramref name="chunkSize"/> bytes followed
    /// by a Success block; returns the byte count. Hosts send 32 KiB frames (the device buffers whole
    /// frames); a device may send larger ones.
    /// </summary>
    public static async Task<long> WriteContentAsync(Stream stream, Stream content, int chunkSize, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(content);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(chunkSize);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(chunkSize, MaxBlockLength - 1);
        var frame = ArrayPool<byte>.Shared.Rent(5 + chunkSize);
        long total = 0;
        try
        {
            while (true)
            {
                var read = await content.ReadAtLeastAsync(frame.AsMemory(5, chunkSize), chunkSize, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
                if (read == 0)
                {
                    break;
                }

                BinaryPrimitives.WriteUInt32BigEndian(frame, (uint)(read + 1));
                frame[4] = (byte)DeviceLinkFileCode.FileData;
                await stream.WriteAsync(frame.AsMemory(0, 5 + read), cancellationToken).ConfigureAwait(false);
                total += read;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(frame);
        }

        await WriteBlockAsync(stream, DeviceLinkFileCode.Success, ReadOnlyMemory<byte>.Empty, cancellationToken).ConfigureAwait(false);
        return total;
    }

    /// <summary>Writes an error block (<see cref="DeviceLinkFileCode.ErrorLocal"/> or <see cref="DeviceLinkFileCode.ErrorRemote"/>).</summary>
    public static Task WriteErrorAsync(Stream stream, DeviceLinkFileCode code, string message, CancellationToken cancellationToken = default) =>
        WriteBlockAsync(stream, code, Encoding.UTF8.GetBytes(message ?? string.Empty), cancellationToken);

    /// <summary>Reads a name; null when the batch ends (<c>u32 0</c>).</summary>
    public static async Task<string?> ReadNameAsync(Stream stream, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var length = await ReadUInt32Async(stream, "a file name length", cancellationToken).ConfigureAwait(false);
        if (length == 0)
        {
            return null;
        }

        if (length > MaxNameLength)
        {
            throw new DeviceProtocolException($"File-transfer name length {length} exceeds {MaxNameLength}.");
        }

        var bytes = new byte[length];
        await ReadExactAsync(stream, bytes, "a file name", cancellationToken).ConfigureAwait(false);
        return Encoding.UTF8.GetString(bytes);
    }

    /// <summary>
    /// Reads the blocks of one file into <paramref name="destination"/> until its terminating block.
    /// </summary>
    public static async Task<DeviceLinkFileResult> ReadContentAsync(Stream stream, Stream destination, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(destination);
        var buffer = ArrayPool<byte>.Shared.Rent(ReceiveBufferSize);
        long total = 0;
        try
        {
            while (true)
            {
                var length = await ReadUInt32Async(stream, "a block length", cancellationToken).ConfigureAwait(false);
                if (length == 0)
                {
                    return new DeviceLinkFileResult(DeviceLinkFileCode.Success, total, null, EndOfBatch: true);
                }

                if (length > MaxBlockLength)
                {
                    throw new DeviceProtocolException($"File-transfer block length {length} exceeds {MaxBlockLength}.");
                }

                await ReadExactAsync(stream, buffer.AsMemory(0, 1), "a block code", cancellationToken).ConfigureAwait(false);
                var code = (DeviceLinkFileCode)buffer[0];
                var remaining = (int)length - 1;
                switch (code)
                {
                    case DeviceLinkFileCode.FileData:
                        while (remaining > 0)
                        {
                            var n = Math.Min(remaining, buffer.Length);
                            await ReadExactAsync(stream, buffer.AsMemory(0, n), "file data", cancellationToken).ConfigureAwait(false);
                            await destination.WriteAsync(buffer.AsMemory(0, n), cancellationToken).ConfigureAwait(false);
                            remaining -= n;
                            total += n;
                        }

                        break;
                    case DeviceLinkFileCode.Success:
                        await SkipAsync(stream, remaining, cancellationToken).ConfigureAwait(false);
                        return new DeviceLinkFileResult(code, total, null, EndOfBatch: false);
                    case DeviceLinkFileCode.ErrorLocal or DeviceLinkFileCode.ErrorRemote:
                        if (remaining > MaxErrorLength)
                        {
                            throw new DeviceProtocolException($"File-transfer error text of {remaining} bytes exceeds {MaxErrorLength}.");
                        }

                        var text = new byte[remaining];
                        await ReadExactAsync(stream, text, "an error text", cancellationToken).ConfigureAwait(false);
                        return new DeviceLinkFileResult(code, total, Encoding.UTF8.GetString(text), EndOfBatch: false);
                    default:
                        throw new DeviceProtocolException($"Unknown file-transfer block code 0x{(byte)code:X2} after {total} bytes.");
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static async Task SkipAsync(Stream stream, int count, CancellationToken cancellationToken)
    {
        if (count > 0)
        {
            if (count > MaxErrorLength)
            {
                throw new DeviceProtocolException($"Success block carries {count} unexpected bytes.");
            }

            await ReadExactAsync(stream, new byte[count], "a success block", cancellationToken).ConfigureAwait(false);
        }
    }

    private static async Task<uint> ReadUInt32Async(Stream stream, string what, CancellationToken cancellationToken)
    {
        var bytes = new byte[4];
        await ReadExactAsync(stream, bytes, what, cancellationToken).ConfigureAwait(false);
        return BinaryPrimitives.ReadUInt32BigEndian(bytes);
    }

    private static async Task ReadExactAsync(Stream stream, Memory<byte> buffer, string what, CancellationToken cancellationToken)
    {
        try
        {
            await stream.ReadExactlyAsync(buffer, cancellationToken).ConfigureAwait(false);
        }
        catch (EndOfStreamException ex)
        {
            throw new DeviceDisconnectedException($"The connection closed while reading {what} of a file transfer.", ex);
        }
    }
}
