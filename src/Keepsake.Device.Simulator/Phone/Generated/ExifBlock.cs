using System.Buffers.Binary;
using System.Globalization;
using System.Text;

namespace Keepsake.Device.Simulator.Phone.Generated;

/// <summary>
/// The EXIF TIFF block of a generated photo (big-endian, TIFF 6.0 / EXIF 2.32): IFD0 with Make, Model
/// and DateTime, then the Exif IFD (DateTimeOriginal, DateTimeDigitized, OffsetTimeOriginal) and the
/// GPS IFD (version 2.2, latitude and longitude as degrees/minutes/seconds rationals).
/// </summary>
internal static class ExifBlock
{
    private const ushort Ascii = 2, Long = 4, Rational = 5, Byte = 1;

    public static byte[] Build(DateTimeOffset taken, double latitude, double longitude, string model = "iPhone 15 Pro")
    {
        var stamp = taken.UtcDateTime.ToString("yyyy:MM:dd HH:mm:ss", CultureInfo.InvariantCulture);
        var ifd0 = new List<Entry> { AsciiEntry(0x010F, "Apple"), AsciiEntry(0x0110, model), AsciiEntry(0x0132, stamp), new(0x8769, Long, 1, new byte[4]), new(0x8825, Long, 1, new byte[4]) };
        var exif = new List<Entry> { AsciiEntry(0x9003, stamp), AsciiEntry(0x9004, stamp), AsciiEntry(0x9011, "+00:00") };
        var gps = new List<Entry>
        {
            new(0x0000, Byte, 4, [2, 2, 0, 0]),
            AsciiEntry(0x0001, latitude >= 0 ? "N" : "S"), new(0x0002, Rational, 3, Dms(Math.Abs(latitude))),
            AsciiEntry(0x0003, longitude >= 0 ? "E" : "W"), new(0x0004, Rational, 3, Dms(Math.Abs(longitude))),
        };
        var ifd0Offset = 8;
        var exifOffset = ifd0Offset + Size(ifd0);
        var gpsOffset = exifOffset + Size(exif);
        var output = new byte[gpsOffset + Size(gps)];
        "MM"u8.CopyTo(output);
        BinaryPrimitives.WriteUInt16BigEndian(output.AsSpan(2), 42);
        BinaryPrimitives.WriteUInt32BigEndian(output.AsSpan(4), (uint)ifd0Offset);
        BinaryPrimitives.WriteUInt32BigEndian(ifd0[3].Value, (uint)exifOffset);
        BinaryPrimitives.WriteUInt32BigEndian(ifd0[4].Value, (uint)gpsOffset);
        Write(output, ifd0Offset, ifd0);
        Write(output, exifOffset, exif);
        Write(output, gpsOffset, gps);
        return output;
    }

    private static Entry AsciiEntry(ushort tag, string value)
    {
        var bytes = Encoding.ASCII.GetBytes(value + "\0");
        return new Entry(tag, Ascii, (uint)bytes.Length, bytes);
    }

    private static byte[] Dms(double value)
    {
        var degrees = Math.Floor(value);
        var minutes = Math.Floor((value - degrees) * 60);
        var seconds = Math.Round((((value - degrees) * 60) - minutes) * 60 * 10_000);
        var bytes = new byte[24];
        uint[] parts = [(uint)degrees, 1, (uint)minutes, 1, (uint)seconds, 10_000];
        for (var i = 0; i < parts.Length; i++)
        {
            BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(i * 4), parts[i]);
        }

        return bytes;
    }

    private static int Size(List<Entry> entries) => 2 + (12 * entries.Count) + 4 + entries.Where(e => e.Value.Length > 4).Sum(e => (e.Value.Length + 1) & ~1);

    private static void Write(byte[] output, int offset, List<Entry> entries)
    {
        entries.Sort((a, b) => a.Tag.CompareTo(b.Tag));
        BinaryPrimitives.WriteUInt16BigEndian(output.AsSpan(offset), (ushort)entries.Count);
        var data = offset + 2 + (12 * entries.Count) + 4;
        for (var i = 0; i < entries.Count; i++)
        {
            var e = entries[i];
            var at = offset + 2 + (12 * i);
            BinaryPrimitives.WriteUInt16BigEndian(output.AsSpan(at), e.Tag);
            BinaryPrimitives.WriteUInt16BigEndian(output.AsSpan(at + 2), e.Type);
            BinaryPrimitives.WriteUInt32BigEndian(output.AsSpan(at + 4), e.Count);
            if (e.Value.Length <= 4)
            {
                e.Value.CopyTo(output, at + 8);
            }
            else
            {
                BinaryPrimitives.WriteUInt32BigEndian(output.AsSpan(at + 8), (uint)data);
                e.Value.CopyTo(output, data);
                data += (e.Value.Length + 1) & ~1;
            }
        }
    }

    private sealed record Entry(ushort Tag, ushort Type, uint Count, byte[] Value);
}
