using System.Buffers.Binary;
using System.Globalization;
using System.Text;

namespace Keepsake.Export.Photos;

/// <summary>
/// Reads when a photo or video was taken from the file itself: EXIF DateTimeOriginal (tag 0x9003, else
/// DateTime 0x0132) in a JPEG's APP1 segment or a HEIC's <c>Exif</c> item (located through the
/// <c>meta</c> box's <c>iinf</c> and <c>iloc</c>, ISO/IEC 23008-12), or the creation time of a QuickTime
/// <c>mvhd</c> box. Only the first megabyte of a file is examined (plus the EXIF item, at most 1 MiB);
/// anything malformed gives null, never an exception.
/// </summary>
public static class MediaDate
{
    private const int HeadLength = 1 << 20;
    private static readonly DateTimeOffset QuickTimeEpoch = new(1904, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>The instant the file says it was taken (EXIF times without an offset are read as UTC), or null.</summary>
    public static DateTimeOffset? Read(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        try
        {
            var head = new byte[HeadLength];
            var length = stream.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
            var span = head.AsSpan(0, length);
            if (span.Length >= 4 && span[0] == 0xFF && span[1] == 0xD8)
            {
                return Jpeg(span);
            }

            if (span.Length >= 12 && span.Slice(4, 4).SequenceEqual("ftyp"u8))
            {
                return IsoMedia(span, stream);
            }
        }
        catch (Exception ex) when (ex is IOException or ArgumentException or IndexOutOfRangeException or NotSupportedException)
        {
        }

        return null;
    }

    private static DateTimeOffset? Jpeg(ReadOnlySpan<byte> data)
    {
        var at = 2;
        while (at + 4 <= data.Length && data[at] == 0xFF)
        {
            var marker = data[at + 1];
            if (marker is 0xDA or 0xD9)
            {
                break;
            }

            var length = BinaryPrimitives.ReadUInt16BigEndian(data[(at + 2)..]);
            if (marker == 0xE1 && at + 2 + length <= data.Length && data.Slice(at + 4, Math.Min(6, length - 2)).SequenceEqual("Exif\0\0"u8))
            {
                return Tiff(data.Slice(at + 10, length - 8));
            }

            at += 2 + length;
        }

        return null;
    }

    private static DateTimeOffset? IsoMedia(ReadOnlySpan<byte> head, Stream stream)
    {
        var top = 0;
        while (top + 8 <= head.Length)
        {
            var size = (long)BinaryPrimitives.ReadUInt32BigEndian(head[top..]);
            var type = head.Slice(top + 4, 4);
            var header = 8;
            if (size == 1 && top + 16 <= head.Length)
            {
                size = (long)BinaryPrimitives.ReadUInt64BigEndian(head[(top + 8)..]);
                header = 16;
            }
            else if (size == 0)
            {
                size = head.Length - top;
            }

            if (size < header)
            {
                return null;
            }

            var body = head.Slice(top + header, (int)Math.Min(size - header, head.Length - top - header));
            if (type.SequenceEqual("moov"u8))
            {
                var mvhd = body.IndexOf("mvhd"u8);
                if (mvhd >= 0 && mvhd + 12 <= body.Length)
                {
                    var version = body[mvhd + 4];
                    var seconds = version == 1 && mvhd + 16 <= body.Length ? (long)BinaryPrimitives.ReadUInt64BigEndian(body[(mvhd + 8)..]) : BinaryPrimitives.ReadUInt32BigEndian(body[(mvhd + 8)..]);
                    return seconds > 0 ? QuickTimeEpoch.AddSeconds(seconds) : null;
                }
            }
            else if (type.SequenceEqual("meta"u8) && body.Length > 4)
            {
                return HeifExif(body[4..], head, stream);
            }

            top += (int)Math.Min(size, int.MaxValue);
        }

        return null;
    }

    private static DateTimeOffset? HeifExif(ReadOnlySpan<byte> meta, ReadOnlySpan<byte> head, Stream stream)
    {
        uint? exifItem = null;
        var iloc = ReadOnlySpan<byte>.Empty;
        for (var at = 0; at + 8 <= meta.Length;)
        {
            var size = (int)BinaryPrimitives.ReadUInt32BigEndian(meta[at..]);
            if (size < 8 || at + size > meta.Length)
            {
                return null;
            }

            var box = meta.Slice(at + 8, size - 8);
            var type = meta.Slice(at + 4, 4);
            if (type.SequenceEqual("iinf"u8))
            {
                exifItem = FindExifItem(box);
            }
            else if (type.SequenceEqual("iloc"u8))
            {
                iloc = box;
            }

            at += size;
        }

        var extent = exifItem is { } id && iloc.Length > 0 ? FindExtent(iloc, id) : null;

        if (extent is not { } e || e.Length < 8 || e.Length > HeadLength)
        {
            return null;
        }

        byte[] item;
        if (e.Offset + e.Length <= head.Length)
        {
            item = head.Slice((int)e.Offset, (int)e.Length).ToArray();
        }
        else if (stream.CanSeek)
        {
            item = new byte[e.Length];
            stream.Position = e.Offset;
            stream.ReadExactly(item);
        }
        else
        {
            return null;
        }

        var skip = BinaryPrimitives.ReadUInt32BigEndian(item);
        return skip + 4 < item.Length ? Tiff(item.AsSpan(4 + (int)skip)) : null;
    }

    private static uint? FindExifItem(ReadOnlySpan<byte> iinf)
    {
        var version = iinf[0];
        var at = version == 0 ? 6 : 8;
        while (at + 8 <= iinf.Length)
        {
            var size = (int)BinaryPrimitives.ReadUInt32BigEndian(iinf[at..]);
            if (size < 8 || at + size > iinf.Length)
            {
                return null;
            }

            var infe = iinf.Slice(at + 8, size - 8);
            if (iinf.Slice(at + 4, 4).SequenceEqual("infe"u8) && infe.Length >= 12 && infe[0] >= 2)
            {
                var (id, typeAt) = infe[0] == 2 ? (BinaryPrimitives.ReadUInt16BigEndian(infe[4..]), 8) : (BinaryPrimitives.ReadUInt32BigEndian(infe[4..]), 10);
                if (typeAt + 4 <= infe.Length && infe.Slice(typeAt, 4).SequenceEqual("Exif"u8))
                {
                    return id;
                }
            }

            at += size;
        }

        return null;
    }

    private static (long Offset, long Length)? FindExtent(ReadOnlySpan<byte> iloc, uint wanted)
    {
        var version = iloc[0];
        var offsetSize = iloc[4] >> 4;
        var lengthSize = iloc[4] & 0xF;
        var baseSize = iloc[5] >> 4;
        var indexSize = version is 1 or 2 ? iloc[5] & 0xF : 0;
        var at = 6;
        long count = version < 2 ? Read(iloc, ref at, 2) : Read(iloc, ref at, 4);
        for (var i = 0; i < count; i++)
        {
            var id = version < 2 ? Read(iloc, ref at, 2) : Read(iloc, ref at, 4);
            if (version is 1 or 2)
            {
                at += 2;
            }

            at += 2;
            var baseOffset = Read(iloc, ref at, baseSize);
            var extents = Read(iloc, ref at, 2);
            (long, long)? first = null;
            for (var k = 0; k < extents; k++)
            {
                if (indexSize > 0)
                {
                    Read(iloc, ref at, indexSize);
                }

                var offset = Read(iloc, ref at, offsetSize);
                var length = Read(iloc, ref at, lengthSize);
                first ??= (baseOffset + offset, length);
            }

            if (id == wanted)
            {
                return first;
            }
        }

        return null;
    }

    private static long Read(ReadOnlySpan<byte> data, ref int at, int size)
    {
        long value = 0;
        for (var i = 0; i < size; i++)
        {
            value = (value << 8) | data[at + i];
        }

        at += size;
        return value;
    }

    /// <summary>DateTimeOriginal from the Exif IFD, else DateTime from IFD0.</summary>
    private static DateTimeOffset? Tiff(ReadOnlySpan<byte> tiff)
    {
        if (tiff.Length < 8)
        {
            return null;
        }

        var big = tiff[0] == (byte)'M';
        var ifd0 = U32(tiff, 4, big);
        string? dateTime = null;
        uint? exifIfd = null;
        foreach (var (tag, offset) in Entries(tiff, ifd0, big))
        {
            if (tag == 0x0132)
            {
                dateTime = Ascii(tiff, offset, big);
            }
            else if (tag == 0x8769)
            {
                exifIfd = U32(tiff, offset + 8, big);
            }
        }

        if (exifIfd is { } exif)
        {
            foreach (var (tag, offset) in Entries(tiff, exif, big))
            {
                if (tag == 0x9003 && Ascii(tiff, offset, big) is { } original)
                {
                    dateTime = original;
                }
            }
        }

        return DateTimeOffset.TryParseExact(dateTime, "yyyy:MM:dd HH:mm:ss", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var taken) ? taken : null;
    }

    private static List<(ushort Tag, int Offset)> Entries(ReadOnlySpan<byte> tiff, uint ifd, bool big)
    {
        var list = new List<(ushort, int)>();
        if (ifd + 2 > tiff.Length)
        {
            return list;
        }

        var count = U16(tiff, (int)ifd, big);
        for (var i = 0; i < count && ifd + 2 + ((i + 1) * 12) <= tiff.Length; i++)
        {
            var at = (int)ifd + 2 + (i * 12);
            list.Add((U16(tiff, at, big), at));
        }

        return list;
    }

    private static string? Ascii(ReadOnlySpan<byte> tiff, int entry, bool big)
    {
        var count = U32(tiff, entry + 4, big);
        if (count < 19 || count > 64)
        {
            return null;
        }

        var offset = U32(tiff, entry + 8, big);
        return offset + 19 <= tiff.Length ? Encoding.ASCII.GetString(tiff.Slice((int)offset, 19)) : null;
    }

    private static ushort U16(ReadOnlySpan<byte> data, int at, bool big) => big ? BinaryPrimitives.ReadUInt16BigEndian(data[at..]) : BinaryPrimitives.ReadUInt16LittleEndian(data[at..]);

    private static uint U32(ReadOnlySpan<byte> data, int at, bool big) => big ? BinaryPrimitives.ReadUInt32BigEndian(data[at..]) : BinaryPrimitives.ReadUInt32LittleEndian(data[at..]);
}
