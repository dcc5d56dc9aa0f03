using System.Buffers.Binary;
using System.Text;

namespace Keepsake.Device.Services.Afc;

/// <summary>One AFC packet: header, parameters ("header data") and payload. Read/written by both sides.</summary>
public sealed class AfcPacket(AfcOpcode operation, ulong packetNumber, byte[] headerData, byte[] payload)
{
    /// <summary>Packets larger than this are refused before allocating.</summary>
    public const long MaxLength = 64L * 1024 * 1024;

    public AfcOpcode Operation { get; } = operation;

    public ulong PacketNumber { get; } = packetNumber;

    public byte[] HeaderData { get; } = headerData ?? throw new ArgumentNullException(nameof(headerData));

    public byte[] Payload { get; } = payload ?? throw new ArgumentNullException(nameof(payload));

    /// <summary>A NUL-terminated UTF-8 path as header data.</summary>
    public static byte[] PathData(string path) => Encoding.UTF8.GetBytes(path + "\0");

    /// <summary>Little-endian uint64 values as header data.</summary>
    public static byte[] UInt64Data(params ulong[] values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var data = new byte[values.Length * 8];
        for (var i = 0; i < values.Length; i++)
        {
            BinaryPrimitives.WriteUInt64LittleEndian(data.AsSpan(i * 8), values[i]);
        }

        return data;
    }

    /// <summary>Splits NUL-separated strings (directory listings, key/value info).</summary>
    public static IReadOnlyList<string> SplitStrings(ReadOnlySpan<byte> data)
    {
        var list = new List<string>();
        foreach (var part in Encoding.UTF8.GetString(data).Split('\0'))
        {
            if (part.Length > 0)
            {
                list.Add(part);
            }
        }

        return list;
    }

    /// <summary>Reads one packet; null at a clean end of stream.</summary>
    public static async Task<AfcPacket?> ReadAsync(Stream stream, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var headerBytes = new byte[AfcPacketHeader.Size];
        var got = await stream.ReadAtLeastAsync(headerBytes, headerBytes.Length, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
        if (got == 0)
        {
            return null;
        }

        if (got < headerBytes.Length)
        {
            throw new AfcException("The AFC connection closed inside a packet header.");
        }

        var header = AfcPacketHeader.Read(headerBytes);
        if ((long)header.EntireLength > MaxLength)
        {
            throw new AfcException($"AFC packet {header.PacketNumber} length {header.EntireLength} exceeds {MaxLength}.");
        }

        var headerData = new byte[header.HeaderDataLength];
        var payload = new byte[header.PayloadLength];
        try
        {
            await stream.ReadExactlyAsync(headerData, cancellationToken).ConfigureAwait(false);
            await stream.ReadExactlyAsync(payload, cancellationToken).ConfigureAwait(false);
        }
        catch (EndOfStreamException)
        {
            throw new AfcException($"The AFC connection closed inside packet {header.PacketNumber}.");
        }

        return new AfcPacket(header.Operation, header.PacketNumber, headerData, payload);
    }

    /// <summary>Writes the packet in one write.</summary>
    public async Task WriteAsync(Stream stream, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var bytes = new byte[AfcPacketHeader.Size + HeaderData.Length + Payload.Length];
        AfcPacketHeader.Create(PacketNumber, Operation, HeaderData.Length, Payload.Length).Write(bytes);
        HeaderData.CopyTo(bytes, AfcPacketHeader.Size);
        Payload.CopyTo(bytes, AfcPacketHeader.Size + HeaderData.Length);
        await stream.WriteAsync(bytes, cancellationToken).ConfigureAwait(false);
        await stream.FlushAsync(cancellationToken).ConfigureAwait(false);
    }
}
