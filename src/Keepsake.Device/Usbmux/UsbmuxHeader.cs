using System.Buffers.Binary;

namespace Keepsake.Device.Usbmux;

/// <summary>
/// The 16-byte header in front of every usbmuxd packet: four little-endian uint32 fields
/// (see docs/design/device-protocols.md, "usbmuxd packet").
/// </summary>
public readonly record struct UsbmuxHeader(uint Length, uint Version, UsbmuxMessageType MessageType, uint Tag)
{
    /// <summary>Size of the header in bytes.</summary>
    public const int Size = 16;

    /// <summary>The plist protocol version libusbmuxd 2.x speaks.</summary>
    public const uint PlistVersion = 1;

    private const int LengthOffset = 0;
    private const int VersionOffset = 4;
    private const int MessageOffset = 8;
    private const int TagOffset = 12;

    /// <summary>Length of the payload after the header.</summary>
    public int PayloadLength => checked((int)(Length - Size));

    /// <summary>Parses a header; <see cref="UsbmuxException"/> when the length field is smaller than the header.</summary>
    public static UsbmuxHeader Read(ReadOnlySpan<byte> source)
    {
        if (source.Length < Size)
        {
            throw new ArgumentException($"A usbmuxd header needs {Size} bytes.", nameof(source));
        }

        var header = new UsbmuxHeader(
            BinaryPrimitives.ReadUInt32LittleEndian(source[LengthOffset..]),
            BinaryPrimitives.ReadUInt32LittleEndian(source[VersionOffset..]),
            (UsbmuxMessageType)BinaryPrimitives.ReadUInt32LittleEndian(source[MessageOffset..]),
            BinaryPrimitives.ReadUInt32LittleEndian(source[TagOffset..]));
        if (header.Length < Size)
        {
            throw new UsbmuxException($"usbmuxd packet length {header.Length} is smaller than its {Size}-byte header.");
        }

        return header;
    }

    /// <summary>Writes the header into the first 16 bytes of <paramref name="destination"/>.</summary>
    public void Write(Span<byte> destination)
    {
        if (destination.Length < Size)
        {
            throw new ArgumentException($"A usbmuxd header needs {Size} bytes.", nameof(destination));
        }

        BinaryPrimitives.WriteUInt32LittleEndian(destination[LengthOffset..], Length);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[VersionOffset..], Version);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[MessageOffset..], (uint)MessageType);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[TagOffset..], Tag);
    }
}
