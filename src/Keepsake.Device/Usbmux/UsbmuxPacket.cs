using System.Buffers;
using Keepsake.Device.Transport;
using Keepsake.Plist;

namespace Keepsake.Device.Usbmux;

/// <summary>
/// One usbmuxd plist packet (header type 8, version 1) carrying an XML plist dictionary.
/// Used by both the host client and the simulated daemon.
/// </summary>
public sealed class UsbmuxPacket(uint tag, PlistDictionary payload)
{
    /// <summary>Packets larger than this are refused before allocating.</summary>
    public const int MaxLength = 16 * 1024 * 1024;

    public uint Tag { get; } = tag;

    public PlistDictionary Payload { get; } = payload ?? throw new ArgumentNullException(nameof(payload));

    /// <summary>The <c>MessageType</c> key of the payload, or null.</summary>
    public string? MessageType => Payload.GetString("MessageType");

    /// <summary>Reads one packet; null on a clean end of stream before the header.</summary>
    public static async Task<UsbmuxPacket?> ReadAsync(Stream stream, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var headerBytes = new byte[UsbmuxHeader.Size];
        var got = await stream.ReadAtLeastAsync(headerBytes, UsbmuxHeader.Size, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
        if (got == 0)
        {
            return null;
        }

        if (got < UsbmuxHeader.Size)
        {
            throw new UsbmuxException($"usbmuxd connection closed inside a packet header ({got} of {UsbmuxHeader.Size} bytes).");
        }

        var header = UsbmuxHeader.Read(headerBytes);
        if (header.Length > MaxLength)
        {
            throw new UsbmuxException($"usbmuxd packet length {header.Length} exceeds the {MaxLength}-byte limit.");
        }

        if (header.MessageType != UsbmuxMessageType.Plist)
        {
            throw new UsbmuxException($"usbmuxd packet type {header.MessageType} is not supported (only plist packets are).", UsbmuxResult.BadVersion);
        }

        var body = ArrayPool<byte>.Shared.Rent(Math.Max(1, header.PayloadLength));
        try
        {
            await stream.ReadExactlyAsync(body.AsMemory(0, header.PayloadLength), cancellationToken).ConfigureAwait(false);
            PlistNode node;
            try
            {
                node = PlistCodec.Decode(body.AsSpan(0, header.PayloadLength));
            }
            catch (PlistFormatException ex)
            {
                throw new UsbmuxException($"usbmuxd packet (tag {header.Tag}) holds an unreadable plist: {ex.Message}", ex);
            }

            return node is PlistDictionary dict
                ? new UsbmuxPacket(header.Tag, dict)
                : throw new UsbmuxException($"usbmuxd packet (tag {header.Tag}) holds a {node.Kind}, not a dictionary.");
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(body);
        }
    }

    /// <summary>Writes the packet (header and XML body) in a single write.</summary>
    public async Task WriteAsync(Stream stream, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var body = PlistCodec.Encode(Payload, ServicePlistFormat.Xml);
        var packet = new byte[UsbmuxHeader.Size + body.Length];
        new UsbmuxHeader((uint)packet.Length, UsbmuxHeader.PlistVersion, UsbmuxMessageType.Plist, Tag).Write(packet);
        body.CopyTo(packet.AsSpan(UsbmuxHeader.Size));
        await stream.WriteAsync(packet, cancellationToken).ConfigureAwait(false);
        await stream.FlushAsync(cancellationToken).ConfigureAwait(false);
    }
}
