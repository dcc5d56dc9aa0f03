using System.Buffers.Binary;
using System.Text;

namespace Keepsake.BackupFormat.Manifest;

/// <summary>
/// Reads a legacy <c>Manifest.mbdb</c> (iOS 4–9): the 6-byte header <c>mbdb\x05\x00</c>, then records
/// back to back (strings are a big-endian uint16 length + bytes, 0xFFFF = absent; integers big-endian).
/// Records are read one at a time from the stream. See docs/design/backup-format.md, "Manifest.mbdb".
/// </summary>
public sealed class ManifestMbdbReader : IDisposable
{
    /// <summary>The file's magic bytes.</summary>
    public static ReadOnlySpan<byte> Magic => "mbdb\x05\x00"u8;

    private readonly Stream _stream;
    private readonly bool _leaveOpen;
    private readonly string _name;
    private readonly byte[] _scratch = new byte[ushort.MaxValue];
    private long _offset;
    private bool _headerRead;

    /// <summary>Reads records from <paramref name="stream"/>, named <paramref name="name"/> in errors.</summary>
    public ManifestMbdbReader(Stream stream, string name = "Manifest.mbdb", bool leaveOpen = false)
    {
        ArgumentNullException.ThrowIfNull(stream);
        _stream = stream;
        _leaveOpen = leaveOpen;
        _name = name;
    }

    /// <summary>Opens any mbdb file (e.g. the iOS 4 <c>5_Manifest.mbdb</c>).</summary>
    public static ManifestMbdbReader Open(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        return new ManifestMbdbReader(new BufferedStream(File.OpenRead(path), 64 * 1024), Path.GetFileName(path));
    }

    /// <summary>The offset of the next record in the file.</summary>
    public long Offset => _offset;

    /// <summary>Every remaining record, in file order.</summary>
    public IEnumerable<BackupEntry> ReadEntries()
    {
        while (ReadNext() is { } entry)
        {
            yield return entry;
        }
    }

    /// <summary>The next record, or null at the end of the file.</summary>
    public BackupEntry? ReadNext()
    {
        if (!_headerRead)
        {
            Span<byte> header = stackalloc byte[6];
            if (ReadAtMost(header) != 6 || !header.SequenceEqual(Magic))
            {
                throw Corrupt(0, "the file does not start with the mbdb header (mbdb 05 00)");
            }

            _headerRead = true;
        }

        var recordOffset = _offset;
        Span<byte> probe = stackalloc byte[1];
        if (ReadAtMost(probe) == 0)
        {
            return null;
        }

        var domain = ReadString(recordOffset, probe[0]) ?? throw Corrupt(recordOffset, "a record has no domain");
        var path = ReadString(recordOffset) ?? string.Empty;
        var target = ReadString(recordOffset);
        var digest = ReadBytes(recordOffset);
        var key = ReadBytes(recordOffset);
        Span<byte> fixedPart = stackalloc byte[2 + 8 + 4 + 4 + 4 + 4 + 4 + 8 + 1 + 1];
        ReadExactly(fixedPart, recordOffset);
        var mode = BinaryPrimitives.ReadUInt16BigEndian(fixedPart);
        var inode = BinaryPrimitives.ReadInt64BigEndian(fixedPart[2..]);
        var uid = BinaryPrimitives.ReadInt32BigEndian(fixedPart[10..]);
        var gid = BinaryPrimitives.ReadInt32BigEndian(fixedPart[14..]);
        var mtime = BinaryPrimitives.ReadUInt32BigEndian(fixedPart[18..]);
        var ctime = BinaryPrimitives.ReadUInt32BigEndian(fixedPart[22..]);
        var btime = BinaryPrimitives.ReadUInt32BigEndian(fixedPart[26..]);
        var size = BinaryPrimitives.ReadInt64BigEndian(fixedPart[30..]);
        var protection = fixedPart[38];
        var propertyCount = fixedPart[39];
        Dictionary<string, byte[]>? xattrs = null;
        for (var i = 0; i < propertyCount; i++)
        {
            var name = ReadString(recordOffset) ?? string.Empty;
            var value = ReadBytes(recordOffset) ?? [];
            (xattrs ??= new Dictionary<string, byte[]>(StringComparer.Ordinal))[name] = value;
        }

        var kind = (mode & 0xF000) switch
        {
            0xA000 => BackupEntryKind.Symlink,
            0x4000 => BackupEntryKind.Directory,
            _ => BackupEntryKind.File,
        };
        return new BackupEntry
        {
            FileId = BackupFileId.Compute(domain, path),
            Domain = domain,
            RelativePath = path,
            Kind = kind,
            Size = size,
            Mode = mode,
            InodeNumber = inode,
            UserId = uid,
            GroupId = gid,
            LastModified = DateTimeOffset.FromUnixTimeSeconds(mtime),
            LastStatusChange = DateTimeOffset.FromUnixTimeSeconds(ctime),
            Birth = DateTimeOffset.FromUnixTimeSeconds(btime),
            ProtectionClass = protection,
            SymlinkTarget = kind == BackupEntryKind.Symlink ? target : null,
            EncryptionKey = key is { Length: > 0 } ? key : null,
            Digest = digest is { Length: > 0 } ? digest : null,
            ExtendedAttributes = xattrs,
        };
    }

    public void Dispose()
    {
        if (!_leaveOpen)
        {
            _stream.Dispose();
        }
    }

    private string? ReadString(long recordOffset, byte? firstByte = null)
    {
        var length = ReadLength(recordOffset, firstByte);
        if (length < 0)
        {
            return null;
        }

        var span = _scratch.AsSpan(0, length);
        ReadExactly(span, recordOffset);
        return Encoding.UTF8.GetString(span);
    }

    private byte[]? ReadBytes(long recordOffset)
    {
        var length = ReadLength(recordOffset, null);
        if (length < 0)
        {
            return null;
        }

        var bytes = new byte[length];
        ReadExactly(bytes, recordOffset);
        return bytes;
    }

    private int ReadLength(long recordOffset, byte? firstByte)
    {
        Span<byte> b = stackalloc byte[2];
        if (firstByte is { } first)
        {
            b[0] = first;
            ReadExactly(b[1..], recordOffset);
        }
        else
        {
            ReadExactly(b, recordOffset);
        }

        var length = BinaryPrimitives.ReadUInt16BigEndian(b);
        return length == 0xFFFF ? -1 : length;
    }

    private void ReadExactly(Span<byte> buffer, long recordOffset)
    {
        if (ReadAtMost(buffer) != buffer.Length)
        {
            throw Corrupt(recordOffset, $"the record starting at offset {recordOffset} is truncated at offset {_offset}");
        }
    }

    private int ReadAtMost(Span<byte> buffer)
    {
        var total = 0;
        while (total < buffer.Length)
        {
            var n = _stream.Read(buffer[total..]);
            if (n == 0)
            {
                break;
            }

            total += n;
        }

        _offset += total;
        return total;
    }

    private BackupFormatException Corrupt(long offset, string message) =>
        new(BackupFormatError.CorruptManifest, _name, $"{message} (offset {offset})");
}
