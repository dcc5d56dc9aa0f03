using System.Buffers.Binary;
using Keepsake.Device.Lockdown;

namespace Keepsake.Device.Services.Afc;

/// <summary>
/// Host side of AFC (com.apple.afc): list directories, stat and read files of the media partition
/// (camera roll) without a backup. One request at a time; replies must echo the packet number.
/// </summary>
public sealed class AfcClient : IAsyncDisposable
{
    public const string ServiceName = "com.apple.afc";

    /// <summary>Bytes asked for per FILE_READ.</summary>
    public const int ReadChunk = 1024 * 1024;

    private readonly Stream _stream;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private ulong _packetNumber;

    /// <summary>Wraps a connected AFC stream (owned).</summary>
    public AfcClient(Stream stream) => _stream = stream ?? throw new ArgumentNullException(nameof(stream));

    /// <summary>Starts the AFC service through a lockdown session and connects.</summary>
    public static async Task<AfcClient> StartAsync(LockdownClient lockdown, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(lockdown);
        var connection = await lockdown.OpenServiceAsync(ServiceName, cancellationToken: cancellationToken).ConfigureAwait(false);
        return new AfcClient(connection.Stream);
    }

    /// <summary>Names in a directory, without "." and "..".</summary>
    public async Task<IReadOnlyList<string>> ReadDirectoryAsync(string path, CancellationToken cancellationToken = default)
    {
        var reply = await RequestAsync(AfcOpcode.ReadDirectory, AfcPacket.PathData(path), [], path, cancellationToken).ConfigureAwait(false);
        return [.. AfcPacket.SplitStrings(reply.Payload.Length > 0 ? reply.Payload : reply.HeaderData).Where(n => n is not "." and not "..")];
    }

    /// <summary>File info as key/value pairs (st_size, st_ifmt, st_mtime, ...).</summary>
    public async Task<IReadOnlyDictionary<string, string>> GetFileInfoAsync(string path, CancellationToken cancellationToken = default)
    {
        var reply = await RequestAsync(AfcOpcode.GetFileInfo, AfcPacket.PathData(path), [], path, cancellationToken).ConfigureAwait(false);
        return Pairs(reply);
    }

    /// <summary>Device info (Model, FSTotalBytes, FSFreeBytes, FSBlockSize).</summary>
    public async Task<IReadOnlyDictionary<string, string>> GetDeviceInfoAsync(CancellationToken cancellationToken = default)
    {
        var reply = await RequestAsync(AfcOpcode.GetDeviceInfo, [], [], null, cancellationToken).ConfigureAwait(false);
        return Pairs(reply);
    }

    /// <summary>Opens a file; returns its handle.</summary>
    public async Task<ulong> OpenAsync(string path, AfcOpenMode mode = AfcOpenMode.ReadOnly, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(path);
        var data = new byte[8 + System.Text.Encoding.UTF8.GetByteCount(path) + 1];
        BinaryPrimitives.WriteUInt64LittleEndian(data, (ulong)mode);
        AfcPacket.PathData(path).CopyTo(data, 8);
        var reply = await RequestAsync(AfcOpcode.FileOpen, data, [], path, cancellationToken).ConfigureAwait(false);
        if (reply.Operation != AfcOpcode.FileOpenResult || reply.HeaderData.Length < 8)
        {
            throw new AfcException($"AFC FILE_OPEN of '{path}' got a {reply.Operation} reply.");
        }

        return BinaryPrimitives.ReadUInt64LittleEndian(reply.HeaderData);
    }

    /// <summary>Reads up to <paramref name="length"/> bytes; empty at end of file.</summary>
    public async Task<byte[]> ReadAsync(ulong handle, int length, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(length);
        var reply = await RequestAsync(AfcOpcode.FileRead, AfcPacket.UInt64Data(handle, (ulong)length), [], null, cancellationToken).ConfigureAwait(false);
        return reply.Payload;
    }

    /// <summary>Writes <paramref name="data"/> at the handle's position, in packets of at most <see cref="ReadChunk"/> bytes.</summary>
    public async Task WriteAsync(ulong handle, ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default)
    {
        for (var offset = 0; offset < data.Length; offset += ReadChunk)
        {
            var part = data.Slice(offset, Math.Min(ReadChunk, data.Length - offset)).ToArray();
            await RequestAsync(AfcOpcode.FileWrite, AfcPacket.UInt64Data(handle), part, null, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Creates a folder (and its parents, as the device does); an existing folder is fine.</summary>
    public Task MakeDirectoryAsync(string path, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(path);
        return RequestAsync(AfcOpcode.MakeDirectory, AfcPacket.PathData(path), [], path, cancellationToken);
    }

    /// <summary>Creates or replaces the device file <paramref name="path"/> with <paramref name="data"/>.</summary>
    public async Task WriteFileAsync(string path, ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default)
    {
        var handle = await OpenAsync(path, AfcOpenMode.WriteOnly, cancellationToken).ConfigureAwait(false);
        try
        {
            await WriteAsync(handle, data, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            await CloseAsync(handle, CancellationToken.None).ConfigureAwait(false);
        }
    }

    /// <summary>FILE_LOCK on an open handle; <see cref="AfcException"/> with <see cref="AfcStatus.OperationWouldBlock"/> when held elsewhere.</summary>
    public Task LockAsync(ulong handle, AfcLockOperation operation, CancellationToken cancellationToken = default) =>
        RequestAsync(AfcOpcode.FileLock, AfcPacket.UInt64Data(handle, (ulong)operation), [], null, cancellationToken);

    /// <summary>Closes a handle.</summary>
    public Task CloseAsync(ulong handle, CancellationToken cancellationToken = default) =>
        RequestAsync(AfcOpcode.FileClose, AfcPacket.UInt64Data(handle), [], null, cancellationToken);

    /// <summary>Copies a whole device file into <paramref name="destination"/>; returns the byte count.</summary>
    public async Task<long> ReadFileAsync(string path, Stream destination, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(destination);
        var handle = await OpenAsync(path, AfcOpenMode.ReadOnly, cancellationToken).ConfigureAwait(false);
        long total = 0;
        try
        {
            while (true)
            {
                var chunk = await ReadAsync(handle, ReadChunk, cancellationToken).ConfigureAwait(false);
                if (chunk.Length == 0)
                {
                    return total;
                }

                await destination.WriteAsync(chunk, cancellationToken).ConfigureAwait(false);
                total += chunk.Length;
            }
        }
        finally
        {
            await CloseAsync(handle, CancellationToken.None).ConfigureAwait(false);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stream.DisposeAsync().ConfigureAwait(false);
        _gate.Dispose();
    }

    private static Dictionary<string, string> Pairs(AfcPacket reply)
    {
        var items = AfcPacket.SplitStrings(reply.Payload.Length > 0 ? reply.Payload : reply.HeaderData);
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i + 1 < items.Count; i += 2)
        {
            result[items[i]] = items[i + 1];
        }

        return result;
    }

    private async Task<AfcPacket> RequestAsync(AfcOpcode operation, byte[] headerData, byte[] payload, string? path, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var number = _packetNumber++;
            await new AfcPacket(operation, number, headerData, payload).WriteAsync(_stream, cancellationToken).ConfigureAwait(false);
            var reply = await AfcPacket.ReadAsync(_stream, cancellationToken).ConfigureAwait(false)
                ?? throw new AfcException("The device closed the AFC connection.");
            if (reply.PacketNumber != number)
            {
                throw new AfcException($"AFC reply number {reply.PacketNumber} does not match request {number}.");
            }

            if (reply.Operation == AfcOpcode.Status)
            {
                var status = reply.HeaderData.Length >= 8 ? (AfcStatus)BinaryPrimitives.ReadUInt64LittleEndian(reply.HeaderData) : AfcStatus.IOError;
                if (status != AfcStatus.Success)
                {
                    throw new AfcException(status, path);
                }
            }

            return reply;
        }
        finally
        {
            _gate.Release();
        }
    }
}
