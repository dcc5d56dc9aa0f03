using System.Net;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using Keepsake.Plist;

namespace Keepsake.Device.Usbmux;

/// <summary>
/// Talks to usbmuxd (or the simulator's fake): lists devices, follows attach/detach events, opens
/// tunnels to device ports and reads/saves pair records and the system BUID. Each call opens its
/// own daemon connection, as libusbmuxd does.
/// </summary>
public sealed class UsbmuxClient
{
    private static readonly TimeSpan ReplyTimeout = TimeSpan.FromSeconds(5);
    private int _tag;

    /// <summary>Uses <paramref name="endPoint"/>, or <see cref="UsbmuxAddress.Resolve"/> when null.</summary>
    public UsbmuxClient(EndPoint? endPoint = null) => EndPoint = endPoint ?? UsbmuxAddress.Resolve();

    public EndPoint EndPoint { get; }

    /// <summary>The devices usbmuxd currently reports.</summary>
    public async Task<IReadOnlyList<UsbmuxDevice>> ListDevicesAsync(CancellationToken cancellationToken = default)
    {
        var reply = await RequestAsync(UsbmuxMessages.Request(UsbmuxMessages.ListDevices), cancellationToken).ConfigureAwait(false);
        var list = reply.GetArray("DeviceList") ?? throw new UsbmuxException("usbmuxd ListDevices reply has no DeviceList.");
        return [.. list.OfType<PlistDictionary>().Select(UsbmuxMessages.ParseDevice)];
    }

    /// <summary>Follows attach, detach and paired notifications until cancelled or the daemon closes.</summary>
    public async IAsyncEnumerable<UsbmuxDeviceEvent> ListenAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        using var socket = await UsbmuxAddress.ConnectAsync(EndPoint, cancellationToken).ConfigureAwait(false);
        var stream = new NetworkStream(socket, ownsSocket: false);
        await using var streamScope = stream.ConfigureAwait(false);
        var tag = (uint)Interlocked.Increment(ref _tag);
        await new UsbmuxPacket(tag, UsbmuxMessages.Request(UsbmuxMessages.Listen)).WriteAsync(stream, cancellationToken).ConfigureAwait(false);
        EnsureOk(await ReadReplyAsync(stream, cancellationToken).ConfigureAwait(false), UsbmuxMessages.Listen);
        while (true)
        {
            var packet = await UsbmuxPacket.ReadAsync(stream, cancellationToken).ConfigureAwait(false);
            if (packet is null)
            {
                yield break;
            }

            var id = (uint)(packet.Payload.GetInt64("DeviceID") ?? 0);
            switch (packet.MessageType)
            {
                case UsbmuxMessages.Attached:
                    var device = UsbmuxMessages.ParseDevice(packet.Payload);
                    yield return new UsbmuxDeviceEvent(UsbmuxDeviceEventKind.Attached, device.DeviceId, device);
                    break;
                case UsbmuxMessages.Detached:
                    yield return new UsbmuxDeviceEvent(UsbmuxDeviceEventKind.Detached, id, null);
                    break;
                case UsbmuxMessages.Paired:
                    yield return new UsbmuxDeviceEvent(UsbmuxDeviceEventKind.Paired, id, null);
                    break;
            }
        }
    }

    /// <summary>Opens a byte tunnel to <paramref name="port"/> on the device; the stream owns the socket.</summary>
    public async Task<Stream> ConnectAsync(uint deviceId, ushort port, CancellationToken cancellationToken = default)
    {
        var socket = await UsbmuxAddress.ConnectAsync(EndPoint, cancellationToken).ConfigureAwait(false);
        var stream = new NetworkStream(socket, ownsSocket: true);
        try
        {
            var tag = (uint)Interlocked.Increment(ref _tag);
            await new UsbmuxPacket(tag, UsbmuxMessages.ConnectRequest(deviceId, port)).WriteAsync(stream, cancellationToken).ConfigureAwait(false);
            var reply = await ReadReplyAsync(stream, cancellationToken).ConfigureAwait(false);
            var number = (UsbmuxResult)(uint)(reply.GetInt64("Number") ?? -1);
            if (number != UsbmuxResult.Ok)
            {
                throw new UsbmuxException(number switch
                {
                    UsbmuxResult.BadDevice => $"usbmuxd does not know device {deviceId} (unplugged?).",
                    UsbmuxResult.ConnectionRefused => $"The device refused a connection to port {port}.",
                    _ => $"usbmuxd Connect to device {deviceId} port {port} failed with result {(uint)number}.",
                }, number);
            }

            return stream;
        }
        catch
        {
            await stream.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>The host's system BUID kept by usbmuxd.</summary>
    public async Task<string> ReadBuidAsync(CancellationToken cancellationToken = default)
    {
        var reply = await RequestAsync(UsbmuxMessages.Request(UsbmuxMessages.ReadBuid), cancellationToken).ConfigureAwait(false);
        return reply.GetString("BUID") ?? throw new UsbmuxException("usbmuxd ReadBUID reply has no BUID.");
    }

    /// <summary>The stored pair record bytes for <paramref name="udid"/>, or null when there is none.</summary>
    public async Task<byte[]?> ReadPairRecordAsync(string udid, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(udid);
        var request = UsbmuxMessages.Request(UsbmuxMessages.ReadPairRecord);
        request["PairRecordID"] = udid;
        var reply = await RequestAsync(request, cancellationToken).ConfigureAwait(false);
        if (reply.GetData("PairRecordData") is { } data)
        {
            return data;
        }

        var number = reply.GetInt64("Number");
        return number is null or 2 ? null : throw new UsbmuxException($"usbmuxd ReadPairRecord for {udid} failed with result {number}.", (UsbmuxResult)(uint)number.Value);
    }

    /// <summary>Stores a pair record with usbmuxd.</summary>
    public async Task SavePairRecordAsync(string udid, uint deviceId, ReadOnlyMemory<byte> record, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(udid);
        var request = UsbmuxMessages.Request(UsbmuxMessages.SavePairRecord);
        request["PairRecordID"] = udid;
        request["PairRecordData"] = record.ToArray();
        request["DeviceID"] = (long)deviceId;
        EnsureOk(await RequestAsync(request, cancellationToken).ConfigureAwait(false), UsbmuxMessages.SavePairRecord);
    }

    /// <summary>Deletes a pair record.</summary>
    public async Task DeletePairRecordAsync(string udid, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(udid);
        var request = UsbmuxMessages.Request(UsbmuxMessages.DeletePairRecord);
        request["PairRecordID"] = udid;
        EnsureOk(await RequestAsync(request, cancellationToken).ConfigureAwait(false), UsbmuxMessages.DeletePairRecord);
    }

    private static void EnsureOk(PlistDictionary reply, string what)
    {
        var number = reply.GetInt64("Number");
        if (number != 0)
        {
            throw new UsbmuxException($"usbmuxd {what} failed with result {number?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "(none)"}.", (UsbmuxResult)(uint)(number ?? 1));
        }
    }

    private static async Task<PlistDictionary> ReadReplyAsync(Stream stream, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(ReplyTimeout);
        try
        {
            var packet = await UsbmuxPacket.ReadAsync(stream, timeout.Token).ConfigureAwait(false);
            return packet?.Payload ?? throw new UsbmuxException("usbmuxd closed the connection without replying.");
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new UsbmuxException($"usbmuxd did not reply within {ReplyTimeout.TotalSeconds} s.");
        }
    }

    private async Task<PlistDictionary> RequestAsync(PlistDictionary request, CancellationToken cancellationToken)
    {
        using var socket = await UsbmuxAddress.ConnectAsync(EndPoint, cancellationToken).ConfigureAwait(false);
        var stream = new NetworkStream(socket, ownsSocket: false);
        await using var streamScope = stream.ConfigureAwait(false);
        var tag = (uint)Interlocked.Increment(ref _tag);
        await new UsbmuxPacket(tag, request).WriteAsync(stream, cancellationToken).ConfigureAwait(false);
        return await ReadReplyAsync(stream, cancellationToken).ConfigureAwait(false);
    }
}
