using System.Buffers.Binary;

namespace Keepsake.Device.Services.Afc;

/// <summary>
/// The 40-byte AFC packet header: magic "CFA6LPAA", entire length, this length (header + header
/// data), packet number, operation — all uint64 little-endian.
/// </summary>
public readonly record struct AfcPacketHeader(ulong EntireLength, ulong ThisLength, ulong PacketNumber, AfcOpcode Operation)
{
    public const int Size = 40;

    /// <summary>"CFA6LPAA" read as a little-endian uint64.</summary>
    public const ulong Magic = 0x4141504c36414643;

    private const int MagicOffset = 0;
    private const int EntireLengthOffset = 8;
    private const int ThisLengthOffset = 16;
    private const int PacketNumberOffset = 24;
    private const int OperationOffset = 32;

    /// <summary>Length of the fixed parameters after the header.</summary>
    public long HeaderDataLength => checked((long)ThisLength - Size);

    /// <summary>Length of the bulk payload after the parameters.</summary>
    public long PayloadLength => checked((long)(EntireLength - ThisLength));

    /// <summary>A header for <paramref name="headerDataLength"/> parameter bytes and <paramref name="payloadLength"/> payload bytes.</summary>
    public static AfcPacketHeader Create(ulong packetNumber, AfcOpcode operation, int headerDataLength, int payloadLength) =>
        new((ulong)(Size + headerDataLength + payloadLength), (ulong)(Size + headerDataLength), packetNumber, operation);

    /// <summary>Parses and checks a header; <see cref="AfcException"/> on a bad magic or lengths.</summary>
    public static AfcPacketHeader Read(ReadOnlySpan<byte> source)
    {
        if (source.Length < Size)
        {
            throw new ArgumentException($"An AFC header needs {Size} bytes.", nameof(source));
        }

        if (BinaryPrimitives.ReadUInt64LittleEndian(source[MagicOffset..]) != Magic)
        {
            throw new AfcException("AFC packet has a bad magic (expected CFA6LPAA).");
        }

        var header = new AfcPacketHeader(
            BinaryPrimitives.ReadUInt64LittleEndian(source[EntireLengthOffset..]),
            BinaryPrimitives.ReadUInt64LittleEndian(source[ThisLengthOffset..]),
            BinaryPrimitives.ReadUInt64LittleEndian(source[PacketNumberOffset..]),
            (AfcOpcode)BinaryPrimitives.ReadUInt64LittleEndian(source[OperationOffset..]));
        if (header.ThisLength < Size || header.EntireLength < header.ThisLength)
        {
            throw new AfcException($"AFC packet {header.PacketNumber} has inconsistent lengths (entire {header.EntireLength}, this {header.ThisLength}).");
        }

        return header;
    }

    public void Write(Span<byte> destination)
    {
        if (destination.Length < Size)
        {
            throw new ArgumentException($"An AFC header needs {Size} bytes.", nameof(destination));
        }

        BinaryPrimitives.WriteUInt64LittleEndian(destination[MagicOffset..], Magic);
        BinaryPrimitives.WriteUInt64LittleEndian(destination[EntireLengthOffset..], EntireLength);
        BinaryPrimitives.WriteUInt64LittleEndian(destination[ThisLengthOffset..], ThisLength);
        BinaryPrimitives.WriteUInt64LittleEndian(destination[PacketNumberOffset..], PacketNumber);
        BinaryPrimitives.WriteUInt64LittleEndian(destination[OperationOffset..], (ulong)Operation);
    }
}
