using System.Buffers.Binary;
using System.Globalization;
using System.Text;

namespace Keepsake.Device.Simulator.Phone.Generated;

/// <summary>
/// Makes the phone's photo, video and audio files from the small base files in Phone/Media (see its
/// README), each with its own metadata and grown to its planned size with seeded random bytes in a
/// place decoders skip: JPEG APP11 segments, ISO-BMFF <c>free</c> boxes. Writes straight to the stream,
/// 64 KiB at a time, so a file of any size costs no more memory.
/// </summary>
internal static class MediaFiles
{
    /// <summary>The length of the EXIF TIFF block heif-enc stored as base.heic's last item (see Phone/Media/README.md).</summary>
    private const int HeicExifLength = 788;

    private static readonly DateTimeOffset QuickTimeEpoch = new(1904, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly Lazy<byte[]> BaseJpeg = new(() => Resource("Media.base.jpg"));
    private static readonly Lazy<byte[]> BaseHeic = new(() => Resource("Media.base.heic"));
    private static readonly Lazy<byte[]> BaseMov = new(() => Resource("Media.base.mov"));
    private static readonly Lazy<byte[]> BaseM4a = new(() => Resource("Media.base.m4a"));

    public static void Write(Stream output, GeneratedMediaKind kind, long size, DateTimeOffset date, double latitude, double longitude, ulong seed, string title = "Keepsake")
    {
        ArgumentNullException.ThrowIfNull(output);
        var random = new SeededBytes(seed);
        switch (kind)
        {
            case GeneratedMediaKind.Jpeg:
                Jpeg(output, size, date, latitude, longitude, random);
                break;
            case GeneratedMediaKind.Heic:
                {
                    var heic = (byte[])BaseHeic.Value.Clone();
                    var exif = ExifBlock.Build(date, latitude, longitude);
                    var at = heic.Length - HeicExifLength;
                    if (exif.Length > HeicExifLength || heic.AsSpan(at, 4).SequenceEqual("MM\0*"u8) is false)
                    {
                        throw new InvalidOperationException("base.heic does not end with the EXIF block its README describes.");
                    }

                    heic.AsSpan(at, HeicExifLength).Clear();
                    exif.CopyTo(heic, at);
                    output.Write(heic);
                    FreeBoxes(output, size - heic.Length, random);
                    break;
                }

            case GeneratedMediaKind.Mov or GeneratedMediaKind.M4a:
                {
                    var movie = (byte[])(kind == GeneratedMediaKind.Mov ? BaseMov : BaseM4a).Value.Clone();
                    StampQuickTime(movie, date);
                    output.Write(movie);
                    FreeBoxes(output, size - movie.Length, random);
                    break;
                }

            case GeneratedMediaKind.Pdf:
                output.Write(Pdf(title));
                break;
            case GeneratedMediaKind.Amr:
                Amr(output, size, random);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown media kind.");
        }
    }

    /// <summary>The length <see cref="Write"/> gives a file planned at <paramref name="size"/> (never less than its base file).</summary>
    public static long Length(GeneratedMediaKind kind, long size, string title = "Keepsake")
    {
        switch (kind)
        {
            case GeneratedMediaKind.Jpeg:
                {
                    var fixedPart = 2 + 4 + 6 + ExifBlock.Build(default, 0, 0).Length + JpegBody().Length;
                    var padding = size - fixedPart;
                    long written = 0;
                    while (padding > 4)
                    {
                        var chunk = Math.Min(65533, padding - 4);
                        written += chunk + 4;
                        padding -= chunk + 4;
                    }

                    return fixedPart + written;
                }

            case GeneratedMediaKind.Heic or GeneratedMediaKind.Mov or GeneratedMediaKind.M4a:
                {
                    var baseLength = (kind switch { GeneratedMediaKind.Heic => BaseHeic, GeneratedMediaKind.Mov => BaseMov, _ => BaseM4a }).Value.Length;
                    return baseLength + FreeLength(size - baseLength);
                }

            case GeneratedMediaKind.Pdf:
                return Pdf(title).Length;
            case GeneratedMediaKind.Amr:
                return 6 + (Math.Max(0, size - 6) / 32 * 32);
            default:
                throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown media kind.");
        }
    }

    /// <summary>The bytes of a small file (contact photos, PDFs): <see cref="Write"/> into memory.</summary>
    public static byte[] Bytes(GeneratedMediaKind kind, long size, DateTimeOffset date, ulong seed, string title = "Keepsake")
    {
        using var memory = new MemoryStream();
        Write(memory, kind, size, date, 0, 0, seed, title);
        return memory.ToArray();
    }

    private static void Jpeg(Stream output, long size, DateTimeOffset date, double latitude, double longitude, SeededBytes random)
    {
        var exif = ExifBlock.Build(date, latitude, longitude);
        Span<byte> header = stackalloc byte[4];
        output.Write([0xFF, 0xD8]);
        header[0] = 0xFF;
        header[1] = 0xE1;
        BinaryPrimitives.WriteUInt16BigEndian(header[2..], (ushort)(2 + 6 + exif.Length));
        output.Write(header);
        output.Write("Exif\0\0"u8);
        output.Write(exif);

        var body = JpegBody();
        var padding = size - (2 + 4 + 6 + exif.Length) - body.Length;
        var buffer = new byte[65533];
        while (padding > 4)
        {
            var chunk = (int)Math.Min(buffer.Length, padding - 4);
            random.Fill(buffer.AsSpan(0, chunk));
            header[1] = 0xEB;
            BinaryPrimitives.WriteUInt16BigEndian(header[2..], (ushort)(chunk + 2));
            output.Write(header);
            output.Write(buffer, 0, chunk);
            padding -= chunk + 4;
        }

        output.Write(body.Span);
    }

    /// <summary>The base JPEG's segments after SOI, without its APPn segments.</summary>
    private static ReadOnlyMemory<byte> JpegBody()
    {
        var baseJpeg = BaseJpeg.Value;
        var at = 2;
        while (at + 4 <= baseJpeg.Length && baseJpeg[at] == 0xFF && baseJpeg[at + 1] is >= 0xE0 and <= 0xEF)
        {
            at += 2 + BinaryPrimitives.ReadUInt16BigEndian(baseJpeg.AsSpan(at + 2));
        }

        return baseJpeg.AsMemory(at);
    }

    private static long FreeLength(long bytes)
    {
        long total = 0;
        while (bytes >= 8)
        {
            var box = Math.Min(1 << 30, bytes);
            if (bytes - box is > 0 and < 8)
            {
                box -= 8;
            }

            total += box;
            bytes -= box;
        }

        return total;
    }

    /// <summary>Sets the creation and modification times of every <c>mvhd</c>, <c>tkhd</c> and <c>mdhd</c> box (version 0: 32-bit seconds since 1904).</summary>
    private static void StampQuickTime(byte[] file, DateTimeOffset date)
    {
        var seconds = (uint)Math.Clamp((date - QuickTimeEpoch).TotalSeconds, 0, uint.MaxValue);
        foreach (var name in new[] { "mvhd"u8.ToArray(), "tkhd"u8.ToArray(), "mdhd"u8.ToArray() })
        {
            var from = 0;
            int index;
            while ((index = file.AsSpan(from).IndexOf(name)) >= 0)
            {
                var at = from + index;
                if (at + 16 <= file.Length && file[at + 4] == 0)
                {
                    BinaryPrimitives.WriteUInt32BigEndian(file.AsSpan(at + 8), seconds);
                    BinaryPrimitives.WriteUInt32BigEndian(file.AsSpan(at + 12), seconds);
                }

                from = at + 4;
            }
        }
    }

    /// <summary>Top-level <c>free</c> boxes (ISO/IEC 14496-12 §8.1.2) holding <paramref name="bytes"/> bytes in all.</summary>
    private static void FreeBoxes(Stream output, long bytes, SeededBytes random)
    {
        const int MaxBox = 1 << 30;
        var buffer = new byte[64 * 1024];
        Span<byte> header = stackalloc byte[8];
        while (bytes >= 8)
        {
            var box = (int)Math.Min(MaxBox, bytes);
            if (bytes - box is > 0 and < 8)
            {
                box -= 8;
            }

            BinaryPrimitives.WriteUInt32BigEndian(header, (uint)box);
            "free"u8.CopyTo(header[4..]);
            output.Write(header);
            var left = box - 8;
            while (left > 0)
            {
                var chunk = Math.Min(buffer.Length, left);
                random.Fill(buffer.AsSpan(0, chunk));
                output.Write(buffer, 0, chunk);
                left -= chunk;
            }

            bytes -= box;
        }
    }

    /// <summary>AMR-NB (RFC 4867 §5): the magic, then 12.2 kbit/s frames (header 0x3C, 31 bytes of speech bits).</summary>
    private static void Amr(Stream output, long size, SeededBytes random)
    {
        output.Write("#!AMR\n"u8);
        var frame = new byte[32];
        for (var left = size - 6; left >= 32; left -= 32)
        {
            random.Fill(frame.AsSpan(1));
            frame[0] = 0x3C;
            output.Write(frame);
        }
    }

    /// <summary>A one-page PDF 1.4 with <paramref name="title"/> in Helvetica; offsets in the xref table are exact.</summary>
    private static byte[] Pdf(string title)
    {
        var safe = new string([.. title.Where(c => c is >= ' ' and <= '~' && c is not '(' and not ')' and not '\\')]);
        var content = $"BT /F1 24 Tf 72 720 Td ({safe}) Tj ET";
        string[] objects =
        [
            "<< /Type /Catalog /Pages 2 0 R >>",
            "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
            $"<< /Length {content.Length} >>\nstream\n{content}\nendstream",
            "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        ];
        var text = new StringBuilder("%PDF-1.4\n");
        var offsets = new List<int>();
        for (var i = 0; i < objects.Length; i++)
        {
            offsets.Add(text.Length);
            text.Append(CultureInfo.InvariantCulture, $"{i + 1} 0 obj\n{objects[i]}\nendobj\n");
        }

        var xref = text.Length;
        text.Append(CultureInfo.InvariantCulture, $"xref\n0 {objects.Length + 1}\n0000000000 65535 f \n");
        foreach (var offset in offsets)
        {
            text.Append(CultureInfo.InvariantCulture, $"{offset:D10} 00000 n \n");
        }

        text.Append(CultureInfo.InvariantCulture, $"trailer\n<< /Size {objects.Length + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n");
        return Encoding.ASCII.GetBytes(text.ToString());
    }

    private static byte[] Resource(string name)
    {
        using var stream = typeof(MediaFiles).Assembly.GetManifestResourceStream(name) ?? throw new InvalidOperationException($"The simulator lacks its resource {name}.");
        using var memory = new MemoryStream();
        stream.CopyTo(memory);
        return memory.ToArray();
    }
}
