using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using Keepsake.Device.Services.Afc;
using Keepsake.Device.Simulator.Phone;
using Keepsake.Primitives;

namespace Keepsake.Device.Simulator.Services;

/// <summary>
/// com.apple.afc over the phone's media folder: READ_DIR, GET_FILE_INFO, GET_DEVINFO, FILE_OPEN,
/// FILE_READ, FILE_WRITE, FILE_CLOSE and FILE_LOCK. Writable opens go to scratch memory (the sync lock file,
/// /iTunesRestore) and never touch the phone folder; what a host leaves under /iTunesRestore is kept in
/// <paramref name="restoreFiles"/> for the next restore to read, as the phone does.
/// </summary>
internal sealed class AfcService(PhoneContents phone, System.Collections.Concurrent.ConcurrentDictionary<string, byte[]> restoreFiles) : IDeviceService
{
    public async Task ServeAsync(Stream stream, CancellationToken cancellationToken)
    {
        var handles = new Dictionary<ulong, Stream>();
        ulong nextHandle = 1;
        var root = new SafePath(EnsureMedia());
        try
        {
            while (true)
            {
                var request = await AfcPacket.ReadAsync(stream, cancellationToken).ConfigureAwait(false);
                if (request is null)
                {
                    return;
                }

                AfcPacket reply;
                try
                {
                    reply = Handle(request, root, handles, ref nextHandle);
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or PathEscapeException)
                {
                    reply = Status(request, ex is FileNotFoundException or DirectoryNotFoundException ? AfcStatus.ObjectNotFound : ex is PathEscapeException ? AfcStatus.PermissionDenied : AfcStatus.IOError);
                }

                await reply.WriteAsync(stream, cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            foreach (var handle in handles.Values)
            {
                await handle.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    private string EnsureMedia()
    {
        Directory.CreateDirectory(phone.MediaRoot);
        return phone.MediaRoot;
    }

    private static AfcPacket Status(AfcPacket request, AfcStatus status) =>
        new(AfcOpcode.Status, request.PacketNumber, AfcPacket.UInt64Data((ulong)status), []);

    private static AfcPacket Data(AfcPacket request, byte[] data) => new(AfcOpcode.Data, request.PacketNumber, [], data);

    private static string PathArg(ReadOnlySpan<byte> data)
    {
        var end = data.IndexOf((byte)0);
        return Encoding.UTF8.GetString(end < 0 ? data : data[..end]).TrimStart('/');
    }

    private static byte[] Strings(IEnumerable<string> values) => Encoding.UTF8.GetBytes(string.Concat(values.Select(v => v + "\0")));

    private AfcPacket Handle(AfcPacket request, SafePath root, Dictionary<ulong, Stream> handles, ref ulong nextHandle)
    {
        switch (request.Operation)
        {
            case AfcOpcode.ReadDirectory:
            {
                var full = root.ResolveNoFollow(PathArg(request.HeaderData));
                if (!Directory.Exists(full))
                {
                    return Status(request, File.Exists(full) ? AfcStatus.InvalidArgument : AfcStatus.ObjectNotFound);
                }

                return Data(request, Strings(new[] { ".", ".." }.Concat(Directory.EnumerateFileSystemEntries(full).Select(Path.GetFileName).Order(StringComparer.Ordinal))!));
            }

            case AfcOpcode.GetFileInfo:
            {
                var full = root.ResolveNoFollow(PathArg(request.HeaderData));
                FileSystemInfo info = Directory.Exists(full) ? new DirectoryInfo(full) : new FileInfo(full);
                if (!info.Exists)
                {
                    return Status(request, AfcStatus.ObjectNotFound);
                }

                var size = info is FileInfo f ? f.Length : 0;
                var ns = (info.LastWriteTimeUtc - DateTime.UnixEpoch).Ticks * 100;
                return Data(request, Strings(
                [
                    "st_size", size.ToString(CultureInfo.InvariantCulture),
                    "st_blocks", ((size + 511) / 512).ToString(CultureInfo.InvariantCulture),
                    "st_nlink", "1",
                    "st_ifmt", info is DirectoryInfo ? "S_IFDIR" : "S_IFREG",
                    "st_mtime", ns.ToString(CultureInfo.InvariantCulture),
                    "st_birthtime", ns.ToString(CultureInfo.InvariantCulture),
                ]));
            }

            case AfcOpcode.GetDeviceInfo:
                return Data(request, Strings(["Model", "iPhone12,1", "FSTotalBytes", "64000000000", "FSFreeBytes", "32000000000", "FSBlockSize", "4096"]));
            case AfcOpcode.FileOpen:
            {
                if (request.HeaderData.Length < 9)
                {
                    return Status(request, AfcStatus.InvalidArgument);
                }

                var mode = (AfcOpenMode)BinaryPrimitives.ReadUInt64LittleEndian(request.HeaderData);
                var full = root.ResolveNoFollow(PathArg(request.HeaderData.AsSpan(8)));
                Stream opened;
                if (mode == AfcOpenMode.ReadOnly)
                {
                    if (!File.Exists(full))
                    {
                        return Status(request, Directory.Exists(full) ? AfcStatus.ObjectIsDirectory : AfcStatus.ObjectNotFound);
                    }

                    opened = new FileStream(full, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
                }
                else
                {
                    opened = new ScratchFile("/" + PathArg(request.HeaderData.AsSpan(8)).TrimStart('/'));
                }

                var handle = nextHandle++;
                handles[handle] = opened;
                return new AfcPacket(AfcOpcode.FileOpenResult, request.PacketNumber, AfcPacket.UInt64Data(handle), []);
            }

            case AfcOpcode.FileRead:
            {
                if (request.HeaderData.Length < 16 || !handles.TryGetValue(BinaryPrimitives.ReadUInt64LittleEndian(request.HeaderData), out var file))
                {
                    return Status(request, AfcStatus.InvalidArgument);
                }

                var wanted = (int)Math.Min(BinaryPrimitives.ReadUInt64LittleEndian(request.HeaderData.AsSpan(8)), 4 * 1024 * 1024);
                var buffer = new byte[wanted];
                var read = file.ReadAtLeast(buffer, wanted, throwOnEndOfStream: false);
                return Data(request, buffer[..read]);
            }

            case AfcOpcode.FileWrite:
            {
                if (request.HeaderData.Length < 8 || !handles.TryGetValue(BinaryPrimitives.ReadUInt64LittleEndian(request.HeaderData), out var file))
                {
                    return Status(request, AfcStatus.InvalidArgument);
                }

                if (file.CanWrite)
                {
                    file.Write(request.Payload);
                }

                return Status(request, AfcStatus.Success);
            }

            case AfcOpcode.FileClose:
            {
                if (request.HeaderData.Length >= 8 && handles.Remove(BinaryPrimitives.ReadUInt64LittleEndian(request.HeaderData), out var file))
                {
                    if (file is ScratchFile { Path: var path } scratch && path.StartsWith("/iTunesRestore/", StringComparison.Ordinal))
                    {
                        restoreFiles[path] = scratch.ToArray();
                    }

                    file.Dispose();
                    return Status(request, AfcStatus.Success);
                }

                return Status(request, AfcStatus.InvalidArgument);
            }

            case AfcOpcode.FileLock:
            case AfcOpcode.MakeDirectory:
            case AfcOpcode.RemovePath:
            case AfcOpcode.RenamePath:
                return Status(request, AfcStatus.Success);
            default:
                return Status(request, AfcStatus.OperationNotSupported);
        }
    }

    /// <summary>A file opened for writing: kept in memory under its device path.</summary>
    private sealed class ScratchFile(string path) : MemoryStream
    {
        public string Path { get; } = path;
    }
}
