using Keepsake.BackupFormat;
using Keepsake.BackupFormat.Writer;
using Keepsake.Plist;
using Keepsake.Repository;
using Keepsake.Repository.Packs;

namespace Keepsake.Fuzz;

/// <summary>
/// Writes each target's seed corpus: small inputs the project makes itself, plus (when the fixtures
/// folder is given) real iOS data read in place. Nothing here is kept in the repository.
/// </summary>
internal static class Seeds
{
    /// <summary>Largest fixture file taken as a seed (afl++ works best on small inputs).</summary>
    private const long MaxSeedBytes = 256 * 1024;

    public static int Write(string folder, string? fixtures)
    {
        foreach (var (target, name, bytes) in Synthetic())
        {
            Save(folder, target, name, bytes);
        }

        if (fixtures is not null && Directory.Exists(fixtures))
        {
            Take(folder, "keybag", Path.Combine(fixtures, "john-keybags"), "*.plist", KeybagOf);
            Take(folder, "plist", Path.Combine(fixtures, "john-keybags"), "*.plist", b => b);
            Take(folder, "plist", Path.Combine(fixtures, "legacy-mbdb-ios4"), "*.plist", b => b);
            Take(folder, "keyed-archive", Path.Combine(fixtures, "imessage-exporter-blobs", "app_message"), "*.plist", b => b);
            Take(folder, "typedstream", Path.Combine(fixtures, "imessage-exporter-blobs", "typedstream"), "*", b => b);
            Take(folder, "notes-protobuf", Path.Combine(fixtures, "apple-notes-protobuf-blobs"), "*.bin", b => b);
            Take(folder, "mbdb", Path.Combine(fixtures, "legacy-mbdb-ios4"), "*.mbdb", b => b.Length > 16 * 1024 ? b[..(16 * 1024)] : b);
        }

        foreach (var target in FuzzTargets.All.Keys)
        {
            var count = Directory.Exists(Path.Combine(folder, target)) ? Directory.GetFiles(Path.Combine(folder, target)).Length : 0;
            Console.WriteLine($"{target}: {count} seeds");
        }

        return 0;
    }

    private static IEnumerable<(string Target, string Name, byte[] Bytes)> Synthetic()
    {
        var dict = new PlistDictionary
        {
            ["string"] = "naïve 日本語",
            ["int"] = -42L,
            ["real"] = 1.5,
            ["bool"] = true,
            ["date"] = DateTimeOffset.UnixEpoch,
            ["data"] = new byte[] { 1, 2, 3 },
            ["array"] = new PlistArray { "a", 1L },
        };
        yield return ("plist", "binary", PlistWriter.ToBinary(dict));
        yield return ("plist", "xml", System.Text.Encoding.UTF8.GetBytes("""<?xml version="1.0" encoding="UTF-8"?><plist version="1.0"><dict><key>a</key><array><integer>1</integer><string>x</string><data>AAE=</data></array></dict></plist>"""));
        yield return ("keyed-archive", "strings", KeyedArchive.EncodeToBinary(new List<object?> { "one", 2L, new Dictionary<string, object?> { ["k"] = "v" } }));
        yield return ("typedstream", "header", [0x04, 0x0B, .. "streamtyped"u8, 0x81, 0xE8, 0x03, 0x84, 0x01, 0x40, 0x86]);
        yield return ("notes-protobuf", "note", [0x08, 0x00, 0x12, 0x0A, 0x08, 0x00, 0x10, 0x00, 0x1A, 0x04, 0x12, 0x02, 0x68, 0x69]);
        var blobs = new List<PackedBlob>
        {
            new(ObjectId.Hash([1]), BlobType.Data, default, 0, 64, 0),
            new(ObjectId.Hash([2]), BlobType.Tree, default, 64, 80, 200),
        };
        yield return ("pack-header", "two-blobs", PackHeader.Encode(blobs));
        yield return ("tree", "tree", System.Text.Encoding.UTF8.GetBytes("""{"nodes":[{"name":"a","type":"file","mode":420,"mtime":"2024-01-01T00:00:00Z","atime":"2024-01-01T00:00:00Z","ctime":"2024-01-01T00:00:00Z","uid":0,"gid":0,"size":1,"content":["0000000000000000000000000000000000000000000000000000000000000000"]},{"name":"d","type":"dir","mode":2147484141,"mtime":"2024-01-01T00:00:00Z","atime":"2024-01-01T00:00:00Z","ctime":"2024-01-01T00:00:00Z","uid":0,"gid":0,"subtree":"0000000000000000000000000000000000000000000000000000000000000000"},{"name":"l","type":"symlink","mode":134218239,"linktarget":"a","mtime":"2024-01-01T00:00:00Z","atime":"2024-01-01T00:00:00Z","ctime":"2024-01-01T00:00:00Z","uid":0,"gid":0}]}"""));
        var zero = new string('0', 64);
        var one = new string('1', 64);
        yield return ("index", "index", System.Text.Encoding.UTF8.GetBytes($$"""{"supersedes":["{{one}}"],"packs":[{"id":"{{one}}","blobs":[{"id":"{{zero}}","type":"data","offset":0,"length":64,"uncompressed_length":100},{"id":"{{one}}","type":"tree","offset":64,"length":80}]}]}"""));
        yield return ("manifest-db", "small", SmallManifestDb());
        yield return ("mbdb", "magic-only", [.. "mbdb"u8, 5, 0]);
        var bag = new List<byte>();
        foreach (var (tag, value) in new (string, byte[])[] { ("VERS", [0, 0, 0, 3]), ("TYPE", [0, 0, 0, 1]), ("UUID", new byte[16]), ("WRAP", [0, 0, 0, 0]), ("SALT", new byte[20]), ("ITER", [0, 0, 0, 1]), ("UUID", new byte[16]), ("CLAS", [0, 0, 0, 1]), ("WRAP", [0, 0, 0, 2]), ("KTYP", [0, 0, 0, 0]), ("WPKY", new byte[40]) })
        {
            bag.AddRange(System.Text.Encoding.ASCII.GetBytes(tag));
            bag.AddRange(BitConverter.IsLittleEndian ? BitConverter.GetBytes(value.Length).Reverse() : BitConverter.GetBytes(value.Length));
            bag.AddRange(value);
        }

        yield return ("keybag", "synthetic", [.. bag]);
    }

    /// <summary>A Manifest.db of a few entries, made by the project's own backup writer.</summary>
    private static byte[] SmallManifestDb()
    {
        var folder = Path.Combine(Path.GetTempPath(), $"keepsake-fuzz-seed-{Guid.NewGuid():N}");
        try
        {
            using (var writer = BackupWriter.Create(folder, new BackupWriterOptions { Udid = "0000000000000000000000000000000000000000" }))
            {
                writer.AddFile("HomeDomain", "Library/SMS/sms.db", new MemoryStream([1, 2, 3]), new BackupEntryMetadata());
                writer.AddSymlink("HomeDomain", "Library/link", "SMS/sms.db");
                writer.Complete();
            }

            return File.ReadAllBytes(Path.Combine(folder, "Manifest.db"));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static byte[]? KeybagOf(byte[] manifestPlist)
    {
        try
        {
            return (PlistReader.Read(manifestPlist) as PlistDictionary)?.GetData("BackupKeyBag");
        }
        catch (PlistFormatException)
        {
            return null;
        }
    }

    private static void Take(string folder, string target, string source, string pattern, Func<byte[], byte[]?> select)
    {
        if (!Directory.Exists(source))
        {
            return;
        }

        foreach (var file in Directory.EnumerateFiles(source, pattern))
        {
            if (new FileInfo(file).Length <= MaxSeedBytes * 4 && select(File.ReadAllBytes(file)) is { Length: > 0 and <= (int)MaxSeedBytes } bytes)
            {
                Save(folder, target, "fixture-" + Path.GetFileName(file), bytes);
            }
        }
    }

    private static void Save(string folder, string target, string name, byte[] bytes)
    {
        var dir = Path.Combine(folder, target);
        Directory.CreateDirectory(dir);
        File.WriteAllBytes(Path.Combine(dir, name), bytes);
    }
}
