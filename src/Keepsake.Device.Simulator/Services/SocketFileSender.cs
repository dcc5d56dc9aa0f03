using System.Buffers.Binary;
using System.Net.Sockets;
using Keepsake.Device.Services.MobileBackup2;

namespace Keepsake.Device.Simulator.Services;

/// <summary>
/// Sends a file's content as DeviceLink data blocks straight from the page cache to the socket
/// (<see cref="Socket.SendPacketsAsync(SocketAsyncEventArgs)"/>: sendfile on Linux), with the same framing as
/// <see cref="DeviceLinkFileTransfer.WriteContentAsync(Stream, Stream, int, CancellationToken)"/>. A phone's
/// own uploads cost the host nothing, so the simulated one should not spend the CPU that a benchmark of the
/// host tools shares with it. Used only on a plain socket (no TLS, no injected faults).
/// </summary>
internal static class SocketFileSender
{
    /// <summary>Sends the blocks of <paramref name="content"/> (from its current length) and the Success block; returns the byte count.</summary>
    public static async Task<long> SendContentAsync(Socket socket, FileStream content, int chunkSize, CancellationToken cancellationToken)
    {
        var length = content.Length;
        var elements = new List<SendPacketsElement>((int)Math.Min(2 * (length / chunkSize + 1) + 1, 1 << 16));
        for (long offset = 0; offset < length; offset += chunkSize)
        {
            var count = (int)Math.Min(chunkSize, length - offset);
            var header = new byte[5];
            BinaryPrimitives.WriteUInt32BigEndian(header, (uint)(count + 1));
            header[4] = (byte)DeviceLinkFileCode.FileData;
            elements.Add(new SendPacketsElement(header));
            elements.Add(new SendPacketsElement(content, offset, count));
        }

        elements.Add(new SendPacketsElement(new byte[] { 0, 0, 0, 1, (byte)DeviceLinkFileCode.Success }));
        await SendAsync(socket, [.. elements], cancellationToken).ConfigureAwait(false);
        return length;
    }

    private static async Task SendAsync(Socket socket, SendPacketsElement[] elements, CancellationToken cancellationToken)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var args = new SocketAsyncEventArgs { SendPacketsElements = elements };
        args.Completed += (_, e) => Complete(e, done);
        using var registration = cancellationToken.Register(() => socket.Shutdown(SocketShutdown.Send));
        if (!socket.SendPacketsAsync(args))
        {
            Complete(args, done);
        }

        await done.Task.ConfigureAwait(false);
        cancellationToken.ThrowIfCancellationRequested();
    }

    private static void Complete(SocketAsyncEventArgs args, TaskCompletionSource done)
    {
        if (args.SocketError == SocketError.Success)
        {
            done.TrySetResult();
        }
        else
        {
            done.TrySetException(new IOException($"Sending a file to the host failed: {args.SocketError}.", new SocketException((int)args.SocketError)));
        }
    }
}
