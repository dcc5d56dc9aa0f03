using Keepsake.Device.Services.MobileBackup2;
using Keepsake.Device.Transport;
using Keepsake.Plist;

namespace Keepsake.Device.Simulator.Services;

/// <summary>The DeviceLink requests the device makes of the host, each awaiting the host's StatusResponse.</summary>
internal sealed partial class MobileBackup2Service
{
    /// <summary>Data block size the device uses when uploading (the host side accepts any size).</summary>
    private const int DeviceChunkSize = 1024 * 1024;

    /// <summary>Files per UploadFiles batch.</summary>
    private const int UploadBatchFiles = 200;

    /// <summary>Bytes per UploadFiles batch.</summary>
    private const long UploadBatchBytes = 64L * 1024 * 1024;

    private static async Task<(long Code, PlistNode? Payload)> StatusAsync(DeviceLinkChannel channel, CancellationToken cancellationToken)
    {
        var reply = await channel.ReceiveAsync(cancellationToken).ConfigureAwait(false);
        if (DeviceLinkChannel.Name(reply) != DeviceLinkMessageNames.StatusResponse)
        {
            throw new DeviceProtocolException($"Expected {DeviceLinkMessageNames.StatusResponse}, got {DeviceLinkChannel.Name(reply)}.");
        }

        var code = reply.Count > 1 && reply[1] is PlistInteger i ? (long)i.Value : 0;
        return (code, reply.Count > 3 ? reply[3] : null);
    }

    private static async Task<(long Code, PlistNode? Payload)> AskAsync(DeviceLinkChannel channel, PlistNode[] message, CancellationToken cancellationToken)
    {
        await channel.SendAsync(message, cancellationToken).ConfigureAwait(false);
        return await StatusAsync(channel, cancellationToken).ConfigureAwait(false);
    }

    private static Task<(long Code, PlistNode? Payload)> CreateDirectoryAsync(DeviceLinkChannel channel, string path, CancellationToken cancellationToken) =>
        AskAsync(channel, [DeviceLinkMessageNames.CreateDirectory, path], cancellationToken);

    /// <summary>Asks the host for files; each arrives into a stream from <paramref name="open"/> (null = discard).</summary>
    private static async Task<Dictionary<string, bool>> DownloadAsync(DeviceLinkChannel channel, IReadOnlyList<string> paths, Func<string, Stream?> open, double progress, CancellationToken cancellationToken)
    {
        await channel.SendAsync([DeviceLinkMessageNames.DownloadFiles, new PlistArray(paths.Select(p => (PlistNode)p)), new PlistDictionary(), progress], cancellationToken).ConfigureAwait(false);
        var received = new Dictionary<string, bool>(StringComparer.Ordinal);
        while (true)
        {
            var name = await DeviceLinkFileTransfer.ReadNameAsync(channel.Stream, cancellationToken).ConfigureAwait(false);
            if (name is null)
            {
                break;
            }

            var target = open(name);
            try
            {
                var result = await DeviceLinkFileTransfer.ReadContentAsync(channel.Stream, target ?? Stream.Null, cancellationToken).ConfigureAwait(false);
                received[name] = result.Code == DeviceLinkFileCode.Success && !result.EndOfBatch;
                if (result.EndOfBatch)
                {
                    break;
                }
            }
            finally
            {
                if (target is not null)
                {
                    await target.DisposeAsync().ConfigureAwait(false);
                }
            }
        }

        await StatusAsync(channel, cancellationToken).ConfigureAwait(false);
        return received;
    }

    /// <summary>
    /// Uploads files (device name, host path, local source) in batches; returns the first host error code. With the
    /// connection's <paramref name="socket"/> (a plain one: no TLS, no fault injection), file data goes from the page
    /// cache to the socket.
    /// </summary>
    private static async Task<long> UploadAsync(DeviceLinkChannel channel, System.Net.Sockets.Socket? socket, IReadOnlyList<(string DeviceName, string HostPath, string Source)> files, Func<double> progress, Action<long> sent, CancellationToken cancellationToken)
    {
        socket = channel.Connection.IsTls ? null : socket;
        var index = 0;
        while (index < files.Count)
        {
            var batch = new List<(string DeviceName, string HostPath, string Source)>();
            long batchBytes = 0;
            while (index < files.Count && batch.Count < UploadBatchFiles && batchBytes < UploadBatchBytes)
            {
                batch.Add(files[index]);
                batchBytes += new FileInfo(files[index].Source).Length;
                index++;
            }

            await channel.SendAsync([DeviceLinkMessageNames.UploadFiles, new PlistDictionary { ["DLDeviceIOCallbacks"] = 0L }, progress(), batchBytes], cancellationToken).ConfigureAwait(false);
            foreach (var (deviceName, hostPath, source) in batch)
            {
                await DeviceLinkFileTransfer.WriteNameAsync(channel.Stream, deviceName, cancellationToken).ConfigureAwait(false);
                await DeviceLinkFileTransfer.WriteNameAsync(channel.Stream, hostPath, cancellationToken).ConfigureAwait(false);
                // SendPacketsElement wants a FileStream opened for asynchronous I/O.
                var content = new FileStream(source, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan | (socket is null ? FileOptions.None : FileOptions.Asynchronous));
                await using (content.ConfigureAwait(false))
                {
                    sent(socket is not null
                        ? await SocketFileSender.SendContentAsync(socket, content, DeviceChunkSize, cancellationToken).ConfigureAwait(false)
                        : await DeviceLinkFileTransfer.WriteContentAsync(channel.Stream, content, DeviceChunkSize, cancellationToken).ConfigureAwait(false));
                }
            }

            await DeviceLinkFileTransfer.WriteEndOfBatchAsync(channel.Stream, cancellationToken).ConfigureAwait(false);
            await channel.Stream.FlushAsync(cancellationToken).ConfigureAwait(false);
            var (code, _) = await StatusAsync(channel, cancellationToken).ConfigureAwait(false);
            if (code != 0)
            {
                return code;
            }
        }

        return 0;
    }
}
