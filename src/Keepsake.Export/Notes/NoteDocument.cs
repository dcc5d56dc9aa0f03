using System.IO.Compression;

namespace Keepsake.Export.Notes;

/// <summary>
/// The text and attribute runs of a note, decoded from ZICNOTEDATA.ZDATA: gzip of a protobuf
/// <c>NoteStoreProto { 2: Document { 3: Note { 2: text, 5: AttributeRun* } } }</c>.
/// </summary>
public sealed record NoteDocument(string Text, IReadOnlyList<NoteRun> Runs)
{
    /// <summary>Largest decompressed body accepted (a guard against gzip bombs).</summary>
    public const int MaxDecompressedBytes = 64 * 1024 * 1024;

    /// <summary>Decodes ZDATA: gzip-compressed (magic 1F 8B) or a raw protobuf.</summary>
    /// <exception cref="ProtobufException">The bytes are not a well-formed note.</exception>
    public static NoteDocument Decode(ReadOnlySpan<byte> data)
    {
        if (data.Length >= 2 && data[0] == 0x1F && data[1] == 0x8B)
        {
            return DecodeProtobuf(Gunzip(data));
        }

        return DecodeProtobuf(data);
    }

    /// <summary>Decodes an uncompressed NoteStoreProto.</summary>
    public static NoteDocument DecodeProtobuf(ReadOnlySpan<byte> data)
    {
        var root = new ProtobufReader(data);
        while (root.TryReadTag(out var field, out var wire))
        {
            if (field == 2 && wire == 2)
            {
                var documentBytes = root.ReadBytes(out var documentOffset);
                var document = new ProtobufReader(documentBytes, documentOffset);
                while (document.TryReadTag(out var f, out var w))
                {
                    if (f == 3 && w == 2)
                    {
                        var noteBytes = document.ReadBytes(out var noteOffset);
                        return ReadNote(noteBytes, noteOffset);
                    }

                    document.Skip(w);
                }

                return new NoteDocument(string.Empty, []);
            }

            root.Skip(wire);
        }

        return new NoteDocument(string.Empty, []);
    }

    private static NoteDocument ReadNote(ReadOnlySpan<byte> bytes, long offset)
    {
        var note = new ProtobufReader(bytes, offset);
        var text = string.Empty;
        var runSlices = new List<(int Start, int Length)>();
        while (note.TryReadTag(out var field, out var wire))
        {
            if (field == 2 && wire == 2)
            {
                text = note.ReadString();
            }
            else if (field == 5 && wire == 2)
            {
                var runBytes = note.ReadBytes(out var runOffset);
                runSlices.Add(((int)(runOffset - offset), runBytes.Length));
            }
            else
            {
                note.Skip(wire);
            }
        }

        // Table attachments reuse this layout for other data and carry no text: their field 5 is not
        // an attribute run, so runs are read only for a note that has text.
        var raw = new List<NoteRun>();
        if (text.Length > 0)
        {
            foreach (var (start, length) in runSlices)
            {
                raw.Add(ReadRun(bytes.Slice(start, length), offset + start));
            }
        }

        var runs = new List<NoteRun>(raw.Count);
        var position = 0;
        foreach (var run in raw)
        {
            var length = Math.Clamp(run.Length, 0, text.Length - position);
            runs.Add(run with { Start = position, Length = length });
            position += length;
        }

        return new NoteDocument(text, runs);
    }

    private static NoteRun ReadRun(ReadOnlySpan<byte> bytes, long offset)
    {
        var reader = new ProtobufReader(bytes, offset);
        int length = 0, weight = 0;
        int? style = null;
        bool underlined = false, strike = false, done = false;
        string? link = null, id = null, uti = null;
        while (reader.TryReadTag(out var field, out var wire))
        {
            switch (field, wire)
            {
                case (1, 0): length = (int)Math.Min(reader.ReadVarint(), int.MaxValue); break;
                case (2, 2):
                    {
                        var styleBytes = reader.ReadBytes(out var styleOffset);
                        var s = new ProtobufReader(styleBytes, styleOffset);
                        while (s.TryReadTag(out var sf, out var sw))
                        {
                            if (sf == 1 && sw == 0)
                            {
                                style = (int)Math.Min(s.ReadVarint(), int.MaxValue);
                            }
                            else if (sf == 5 && sw == 2)
                            {
                                var checklistBytes = s.ReadBytes(out var checklistOffset);
                                var c = new ProtobufReader(checklistBytes, checklistOffset);
                                while (c.TryReadTag(out var cf, out var cw))
                                {
                                    if (cf == 2 && cw == 0)
                                    {
                                        done = c.ReadVarint() != 0;
                                    }
                                    else
                                    {
                                        c.Skip(cw);
                                    }
                                }
                            }
                            else
                            {
                                s.Skip(sw);
                            }
                        }

                        break;
                    }

                case (5, 0): weight = (int)Math.Min(reader.ReadVarint(), 3); break;
                case (6, 0): underlined = reader.ReadVarint() != 0; break;
                case (7, 0): strike = reader.ReadVarint() != 0; break;
                case (9, 2): link = reader.ReadString(); break;
                case (12, 2):
                    {
                        var infoBytes = reader.ReadBytes(out var infoOffset);
                        var info = new ProtobufReader(infoBytes, infoOffset);
                        while (info.TryReadTag(out var inf, out var inw))
                        {
                            if (inf == 1 && inw == 2)
                            {
                                id = info.ReadString();
                            }
                            else if (inf == 2 && inw == 2)
                            {
                                uti = info.ReadString();
                            }
                            else
                            {
                                info.Skip(inw);
                            }
                        }

                        break;
                    }

                default: reader.Skip(wire); break;
            }
        }

        return new NoteRun
        {
            Length = length,
            ParagraphStyle = style,
            FontWeight = weight,
            IsUnderlined = underlined,
            IsStrikethrough = strike,
            Link = link,
            AttachmentIdentifier = id,
            AttachmentType = uti,
            IsChecked = done,
        };
    }

    private static byte[] Gunzip(ReadOnlySpan<byte> data)
    {
        try
        {
            using var input = new MemoryStream(data.ToArray(), writable: false);
            using var gzip = new GZipStream(input, CompressionMode.Decompress);
            using var output = new MemoryStream();
            var buffer = new byte[81920];
            int read;
            while ((read = gzip.Read(buffer, 0, buffer.Length)) > 0)
            {
                if (output.Length + read > MaxDecompressedBytes)
                {
                    throw new ProtobufException($"note body decompresses to more than {MaxDecompressedBytes} bytes", 0);
                }

                output.Write(buffer, 0, read);
            }

            return output.ToArray();
        }
        catch (InvalidDataException ex)
        {
            throw new ProtobufException($"gzip data is corrupt ({ex.Message})", 0);
        }
    }
}
