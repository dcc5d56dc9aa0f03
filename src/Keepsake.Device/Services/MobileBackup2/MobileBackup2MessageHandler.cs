using Keepsake.Plist;
using Keepsake.Primitives;

namespace Keepsake.Device.Services.MobileBackup2;

/// <summary>Executes the device's DeviceLink file requests against the host file system and answers each.</summary>
internal sealed class MobileBackup2MessageHandler(DeviceLinkChannel channel, IDeviceLinkFileSystem fileSystem, MobileBackup2Client owner)
{
    private const long MultiStatus = -13;

    /// <summary>Handles one message; returns the device's progress value when it carried one.</summary>
    public async Task<double?> HandleAsync(string name, PlistArray message, CancellationToken cancellationToken)
    {
        switch (name)
        {
            case DeviceLinkMessageNames.DownloadFiles:
                await SendFilesAsync(message, cancellationToken).ConfigureAwait(false);
                return Progress(message, 3);
            case DeviceLinkMessageNames.UploadFiles:
                await ReceiveFilesAsync(cancellationToken).ConfigureAwait(false);
                return Progress(message, 2);
            case DeviceLinkMessageNames.GetFreeDiskSpace:
                await channel.SendStatusResponseAsync(0, null, new PlistInteger(Math.Max(0, fileSystem.GetFreeSpace())), cancellationToken).ConfigureAwait(false);
                return null;
            case DeviceLinkMessageNames.ContentsOfDirectory:
                await ListAsync(message, cancellationToken).ConfigureAwait(false);
                return null;
            case DeviceLinkMessageNames.CreateDirectory:
                await RunAsync(() => fileSystem.CreateDirectory(Arg(message, 1)), DeviceLinkMessageNames.EmptyParameter, cancellationToken).ConfigureAwait(false);
                return null;
            case DeviceLinkMessageNames.MoveFiles or DeviceLinkMessageNames.MoveItems:
                await RunAsync(() =>
                {
                    foreach (var (from, to) in message.Count > 1 ? message[1].AsDictionary() : [])
                    {
                        fileSystem.Move(from, to.AsString());
                    }
                }, null, cancellationToken).ConfigureAwait(false);
                return Progress(message, 3);
            case DeviceLinkMessageNames.RemoveFiles or DeviceLinkMessageNames.RemoveItems:
                await RunAsync(() =>
                {
                    foreach (var path in message.Count > 1 ? message[1].AsArray() : [])
                    {
                        fileSystem.Remove(path.AsString());
                    }
                }, null, cancellationToken).ConfigureAwait(false);
                return Progress(message, 3);
            case DeviceLinkMessageNames.CopyItem:
                await RunAsync(() => fileSystem.Copy(Arg(message, 1), Arg(message, 2)), null, cancellationToken).ConfigureAwait(false);
                return null;
            case DeviceLinkMessageNames.Ping:
                return null;
            default:
                await channel.SendStatusResponseAsync(-1, "Operation not supported", null, cancellationToken).ConfigureAwait(false);
                return null;
        }
    }

    /// <summary>Maps a host I/O failure to the DeviceLink error code (newer libimobiledevice table).</summary>
    internal static long ErrorCode(Exception ex) => ex switch
    {
        FileNotFoundException or DirectoryNotFoundException => -6,
        PathEscapeException => -1,
        IOException io when (io.HResult & 0xFFFF) is 28 or 112 => -15,
        IOException io when io.Message.Contains("No space left", StringComparison.OrdinalIgnoreCase) => -15,
        UnauthorizedAccessException => -1,
        IOException => -11,
        _ => -1,
    };

    private static string Arg(PlistArray message, int index) =>
        message.Count > index && message[index] is PlistString s ? s.Value : throw new Transport.DeviceProtocolException($"{DeviceLinkChannel.Name(message)} has no path at position {index}.");

    private static double? Progress(PlistArray message, int index) =>
        message.Count > index ? message[index] switch
        {
            PlistReal r => r.Value,
            PlistInteger i => (double)i.Value,
            _ => null,
        } : null;

    private async Task RunAsync(Action action, string? payload, CancellationToken cancellationToken)
    {
        long code = 0;
        string? text = null;
        try
        {
            action();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or InvalidCastException)
        {
            code = ErrorCode(ex);
            text = ex.Message;
        }

        await channel.SendStatusResponseAsync(code, text, payload is null ? new PlistDictionary() : new PlistString(payload), cancellationToken).ConfigureAwait(false);
    }

    private async Task ListAsync(PlistArray message, CancellationToken cancellationToken)
    {
        var result = new PlistDictionary();
        long code = 0;
        try
        {
            foreach (var entry in fileSystem.List(Arg(message, 1)))
            {
                result[entry.Name] = new PlistDictionary
                {
                    ["DLFileType"] = entry.IsDirectory ? "DLFileTypeDirectory" : "DLFileTypeRegular",
                    ["DLFileSize"] = entry.Size,
                    ["DLFileModificationDate"] = entry.Modified,
                };
            }
        }
        catch (IOException ex)
        {
            code = ErrorCode(ex);
        }

        await channel.SendStatusResponseAsync(code, null, result, cancellationToken).ConfigureAwait(false);
    }

    private async Task SendFilesAsync(PlistArray message, CancellationToken cancellationToken)
    {
        var stream = channel.Stream;
        var errors = new PlistDictionary();
        foreach (var node in message.Count > 1 ? message[1].AsArray() : [])
        {
            var path = node.AsString();
            await DeviceLinkFileTransfer.WriteNameAsync(stream, path, cancellationToken).ConfigureAwait(false);
            Stream? content = null;
            try
            {
                content = fileSystem.OpenRead(path);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                errors[path] = FileError(ErrorCode(ex), ex.Message);
                await DeviceLinkFileTransfer.WriteErrorAsync(stream, DeviceLinkFileCode.ErrorLocal, ex.Message, cancellationToken).ConfigureAwait(false);
                continue;
            }

            if (content is null)
            {
                errors[path] = FileError(-6, "No such file or directory");
                await DeviceLinkFileTransfer.WriteErrorAsync(stream, DeviceLinkFileCode.ErrorLocal, "No such file or directory", cancellationToken).ConfigureAwait(false);
                continue;
            }

            await using (content.ConfigureAwait(false))
            {
                owner.CountSent(await DeviceLinkFileTransfer.WriteContentAsync(stream, content, cancellationToken).ConfigureAwait(false));
            }
        }

        await DeviceLinkFileTransfer.WriteEndOfBatchAsync(stream, cancellationToken).ConfigureAwait(false);
        await stream.FlushAsync(cancellationToken).ConfigureAwait(false);
        if (errors.Count > 0)
        {
            await channel.SendStatusResponseAsync(MultiStatus, "Multi status", errors, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            await channel.SendStatusResponseAsync(0, null, null, cancellationToken).ConfigureAwait(false);
        }
    }

    private static PlistDictionary FileError(long code, string text) => new()
    {
        ["DLFileErrorCode"] = code,
        ["DLFileErrorString"] = text,
    };

    private async Task ReceiveFilesAsync(CancellationToken cancellationToken)
    {
        var stream = channel.Stream;
        long errorCode = 0;
        string? errorText = null;
        while (true)
        {
            var devicePath = await DeviceLinkFileTransfer.ReadNameAsync(stream, cancellationToken).ConfigureAwait(false);
            if (devicePath is null)
            {
                break;
            }

            var hostPath = await DeviceLinkFileTransfer.ReadNameAsync(stream, cancellationToken).ConfigureAwait(false)
                ?? throw new Transport.DeviceProtocolException($"Upload of '{devicePath}' has no host path.");
            Stream? destination = null;
            try
            {
                destination = fileSystem.CreateFile(hostPath);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                errorCode = ErrorCode(ex);
                errorText = ex.Message;
            }

            var guarded = new GuardedWriteStream(destination);
            DeviceLinkFileResult result;
            var complete = false;
            try
            {
                result = await DeviceLinkFileTransfer.ReadContentAsync(stream, guarded, cancellationToken).ConfigureAwait(false);
                if (destination is not null && guarded.Error is null)
                {
                    try
                    {
                        await destination.FlushAsync(cancellationToken).ConfigureAwait(false);
                    }
                    catch (IOException ex)
                    {
                        guarded = new GuardedWriteStream(null);
                        errorCode = ErrorCode(ex);
                        errorText = ex.Message;
                        destination = await AbandonAsync(destination, hostPath).ConfigureAwait(false);
                    }
                }

                complete = result.Code == DeviceLinkFileCode.Success && !result.EndOfBatch && destination is not null && guarded.Error is null;
            }
            finally
            {
                if (destination is not null)
                {
                    if (complete)
                    {
                        await destination.DisposeAsync().ConfigureAwait(false);
                    }
                    else
                    {
                        await AbandonAsync(destination, hostPath).ConfigureAwait(false);
                    }
                }
            }

            if (guarded.Error is { } writeError)
            {
                errorCode = ErrorCode(writeError);
                errorText = writeError.Message;
            }

            owner.CountReceived(result.Bytes, complete);
            if (result.Code != DeviceLinkFileCode.Success)
            {
                errorCode = -11;
                errorText = $"The device could not send '{devicePath}': {result.ErrorText}";
            }

            if (result.EndOfBatch)
            {
                break;
            }
        }

        await channel.SendStatusResponseAsync(errorCode, errorText, null, cancellationToken).ConfigureAwait(false);
    }

    private async Task<Stream?> AbandonAsync(Stream destination, string hostPath)
    {
        try
        {
            await destination.DisposeAsync().ConfigureAwait(false);
        }
        catch (IOException)
        {
            // Disk full again while closing: the file is removed below anyway.
        }

        fileSystem.AbandonFile(hostPath);
        return null;
    }
}
