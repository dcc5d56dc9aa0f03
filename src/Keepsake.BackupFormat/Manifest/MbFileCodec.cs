using Keepsake.Plist;

namespace Keepsake.BackupFormat.Manifest;

/// <summary>
/// Decodes and encodes the Manifest.db <c>file</c> column: an NSKeyedArchiver binary plist whose root
/// object is an MBFile. Object fields are UIDs into <c>$objects</c>; data may be bare or an
/// NSData/NSMutableData instance (<c>NS.data</c>, itself possibly a UID). See
/// docs/design/backup-format.md, "MBFile".
/// </summary>
internal static class MbFileCodec
{
    private const int MaxDepth = 8;

    /// <summary>Builds an entry from a row; <paramref name="file"/> may be null (a row without MBFile).</summary>
    public static BackupEntry Decode(string fileId, string domain, string relativePath, long flags, byte[]? file)
    {
        var where = $"{domain}/{relativePath}";
        if (file is null || file.Length == 0)
        {
            return new BackupEntry { FileId = fileId, Domain = domain, RelativePath = relativePath, Kind = KindFromFlags(flags, 0) };
        }

        try
        {
            var archive = PlistReader.Read(file).AsDictionary();
            var objects = archive.GetArray("$objects") ?? throw new InvalidCastException("no $objects array");
            var top = archive.GetDictionary("$top") ?? throw new InvalidCastException("no $top dictionary");
            var root = Resolve(objects, top["root"]).AsDictionary();
            var mode = (int)(root.GetInt64("Mode") ?? 0);
            return new BackupEntry
            {
                FileId = fileId,
                Domain = domain,
                RelativePath = relativePath,
                Kind = KindFromFlags(flags, mode),
                Size = root.GetInt64("Size") ?? 0,
                Mode = mode,
                InodeNumber = root.GetInt64("InodeNumber") ?? 0,
                UserId = (int)(root.GetInt64("UserID") ?? 0),
                GroupId = (int)(root.GetInt64("GroupID") ?? 0),
                LastModified = UnixTime(root.GetInt64("LastModified")),
                LastStatusChange = UnixTime(root.GetInt64("LastStatusChange")),
                Birth = UnixTime(root.GetInt64("Birth")),
                ProtectionClass = (int)(root.GetInt64("ProtectionClass") ?? 0),
                SymlinkTarget = GetString(objects, root, "Target"),
                EncryptionKey = GetData(objects, root, "EncryptionKey"),
                Digest = GetData(objects, root, "Digest"),
                ExtendedAttributes = GetAttributes(objects, root, where),
                Flags = root.GetInt64("Flags") ?? 0,
            };
        }
        catch (Exception e) when (e is PlistFormatException or InvalidCastException or KeyNotFoundException or OverflowException or ArgumentException)
        {
            throw new BackupFormatException(BackupFormatError.CorruptManifest, where, $"the MBFile record (file {fileId}) cannot be decoded: {e.Message}", e);
        }
    }

    /// <summary>The NSKeyedArchiver plist (as a value tree) of an MBFile, with the fields BackupAgent2 writes.</summary>
    public static PlistDictionary Encode(BackupEntry entry)
    {
        var mbFile = new ArchivedObject("MBFile", ["MBFile", "NSObject"]);
        var f = mbFile.Fields;
        f["LastModified"] = entry.LastModified.ToUnixTimeSeconds();
        f["Flags"] = entry.Flags;
        f["GroupID"] = (long)entry.GroupId;
        f["LastStatusChange"] = entry.LastStatusChange.ToUnixTimeSeconds();
        f["RelativePath"] = entry.RelativePath;
        f["Birth"] = entry.Birth.ToUnixTimeSeconds();
        if (entry.SymlinkTarget is not null)
        {
            f["Target"] = entry.SymlinkTarget;
        }

        if (entry.EncryptionKey is not null)
        {
            var data = new ArchivedObject("NSMutableData", ["NSMutableData", "NSData", "NSObject"]);
            data.Fields["NS.data"] = entry.EncryptionKey;
            f["EncryptionKey"] = data;
        }

        if (entry.Digest is not null)
        {
            f["Digest"] = entry.Digest;
        }

        if (entry.ExtendedAttributes is { Count: > 0 } xattrs)
        {
            var dict = new PlistDictionary();
            foreach (var (name, value) in xattrs)
            {
                dict[name] = value;
            }

            f["ExtendedAttributes"] = PlistWriter.ToBinary(dict);
        }

        f["Size"] = entry.Size;
        f["Mode"] = (long)entry.Mode;
        f["UserID"] = (long)entry.UserId;
        f["InodeNumber"] = entry.InodeNumber;
        f["ProtectionClass"] = (long)entry.ProtectionClass;
        return KeyedArchive.Encode(mbFile);
    }

    /// <summary>Kind from the flags column; 0 (seen in a synthetic fixture) falls back to the mode's type bits.</summary>
    internal static BackupEntryKind KindFromFlags(long flags, int mode) => flags switch
    {
        1 => BackupEntryKind.File,
        2 => BackupEntryKind.Directory,
        4 => BackupEntryKind.Symlink,
        _ => (mode & 0xF000) switch
        {
            0xA000 => BackupEntryKind.Symlink,
            0x4000 => BackupEntryKind.Directory,
            _ => BackupEntryKind.File,
        },
    };

    private static DateTimeOffset UnixTime(long? seconds) =>
        seconds is { } s && s > -62135596800 && s < 253402300799 ? DateTimeOffset.FromUnixTimeSeconds(s) : DateTimeOffset.UnixEpoch;

    private static PlistNode Resolve(PlistArray objects, PlistNode node)
    {
        for (var depth = 0; node is PlistUid uid; depth++)
        {
            if (depth > MaxDepth || uid.Value >= (ulong)objects.Count)
            {
                throw new InvalidCastException($"UID {uid.Value} is out of range or part of a cycle");
            }

            node = objects[(int)uid.Value];
        }

        return node;
    }

    private static string? GetString(PlistArray objects, PlistDictionary root, string key)
    {
        if (!root.TryGetValue(key, out var node))
        {
            return null;
        }

        var value = Resolve(objects, node);
        return value switch
        {
            PlistString { Value: "$null" } => null,
            PlistString s => s.Value,
            PlistDictionary d when d.TryGetValue("NS.string", out var inner) => Resolve(objects, inner) as PlistString is { } s2 ? s2.Value : null,
            _ => null,
        };
    }

    private static byte[]? GetData(PlistArray objects, PlistDictionary root, string key)
    {
        if (!root.TryGetValue(key, out var node))
        {
            return null;
        }

        var value = Resolve(objects, node);
        if (value is PlistDictionary d && d.TryGetValue("NS.data", out var inner))
        {
            value = Resolve(objects, inner);
        }

        return (value as PlistData)?.Value;
    }

    private static Dictionary<string, byte[]>? GetAttributes(PlistArray objects, PlistDictionary root, string where)
    {
        if (!root.TryGetValue("ExtendedAttributes", out var node))
        {
            return null;
        }

        var value = Resolve(objects, node);
        PlistDictionary? dict = null;
        if (value is PlistData data)
        {
            try
            {
                dict = PlistReader.Read(data.Value) as PlistDictionary;
            }
            catch (PlistFormatException e)
            {
                throw new BackupFormatException(BackupFormatError.CorruptManifest, where, $"ExtendedAttributes is not a valid plist: {e.Message}", e);
            }
        }
        else if (value is PlistDictionary d && d.GetArray("NS.keys") is { } keys && d.GetArray("NS.objects") is { } values && keys.Count == values.Count)
        {
            dict = new PlistDictionary();
            for (var i = 0; i < keys.Count; i++)
            {
                if (Resolve(objects, keys[i]) is PlistString k)
                {
                    dict[k.Value] = Resolve(objects, values[i]);
                }
            }
        }

        if (dict is null)
        {
            return null;
        }

        var result = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        foreach (var (name, item) in dict)
        {
            result[name] = item switch
            {
                PlistData bytes => bytes.Value,
                PlistString s => System.Text.Encoding.UTF8.GetBytes(s.Value),
                _ => [],
            };
        }

        return result;
    }
}
