using System.Security.Cryptography;
using System.Text;

namespace Keepsake.Benchmarks.Vault;

/// <summary>
/// Generates a deterministic folder shaped like an Apple MobileSync backup: 256 two-hex-digit
/// folders holding files named by 40-hex SHA-1 names, with photos and videos (incompressible bytes),
/// SQLite-like databases (compressible 4 KiB pages) and thousands of small files, plus Manifest files.
/// </summary>
internal static class AppleBackupGenerator
{
    public static long Generate(string root, long totalBytes, int seed)
    {
        var random = new Random(seed);
        Directory.CreateDirectory(root);
        long written = 0;
        var index = 0;

        // ~40% photos (1–5 MB), ~30% videos (20–80 MB), ~15% databases (1–16 MB), ~15% small files (1–40 KB).
        written += Fill(root, random, ref index, totalBytes * 40 / 100, 1_000_000, 5_000_000, Kind.Random);
        written += Fill(root, random, ref index, totalBytes * 30 / 100, 20_000_000, 80_000_000, Kind.Random);
        written += Fill(root, random, ref index, totalBytes * 15 / 100, 1_000_000, 16_000_000, Kind.Database);
        written += Fill(root, random, ref index, totalBytes * 15 / 100, 1_000, 40_000, Kind.Mixed);
        File.WriteAllText(Path.Combine(root, "Info.plist"), "<?xml version=\"1.0\"?><plist version=\"1.0\"><dict/></plist>");
        File.WriteAllText(Path.Combine(root, "Manifest.plist"), "<?xml version=\"1.0\"?><plist version=\"1.0\"><dict/></plist>");
        written += WriteDatabase(Path.Combine(root, "Manifest.db"), 4_000_000, random);
        return written;
    }

    /// <summary>Changes about <paramref name="fraction"/> of the bytes: rewrites pages in some databases and adds new photos.</summary>
    public static long Change(string root, double fraction, int seed)
    {
        var random = new Random(seed);
        var files = Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToList();
        var total = files.Sum(f => new FileInfo(f).Length);
        var budget = (long)(total * fraction);
        long changed = 0;

        // Half: overwrite 4 KiB pages inside existing larger files (like SQLite updates).
        var page = new byte[4096];
        while (changed < budget / 2)
        {
            var f = files[random.Next(files.Count)];
            var length = new FileInfo(f).Length;
            if (length < 64 * 1024)
            {
                continue;
            }

            using var stream = new FileStream(f, FileMode.Open, FileAccess.Write);
            stream.Position = random.NextInt64(0, length - page.Length) / 4096 * 4096;
            random.NextBytes(page);
            stream.Write(page);
            changed += page.Length;
        }

        // Half: new photos.
        var index = 1_000_000 + seed;
        changed += Fill(root, random, ref index, budget / 2, 1_000_000, 4_000_000, Kind.Random);
        return changed;
    }

    private enum Kind
    {
        Random,
        Database,
        Mixed,
    }

    private static long Fill(string root, Random random, ref int index, long budget, int min, int max, Kind kind)
    {
        long written = 0;
        while (written < budget)
        {
            var size = (int)Math.Min(random.Next(min, max), Math.Max(min, budget - written));
            var name = Convert.ToHexStringLower(SHA1.HashData(BitConverter.GetBytes(index++)));
            var folder = Path.Combine(root, name[..2]);
            Directory.CreateDirectory(folder);
            var path = Path.Combine(folder, name);
            written += kind switch
            {
                Kind.Random => WriteRandom(path, size, random),
                Kind.Database => WriteDatabase(path, size, random),
                _ => random.Next(3) == 0 ? WriteRandom(path, size, random) : WriteText(path, size, random),
            };
        }

        return written;
    }

    private static long WriteRandom(string path, int size, Random random)
    {
        using var f = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20);
        var buffer = new byte[Math.Min(size, 1 << 20)];
        for (var done = 0; done < size; done += buffer.Length)
        {
            random.NextBytes(buffer);
            f.Write(buffer, 0, Math.Min(buffer.Length, size - done));
        }

        return size;
    }

    private static long WriteDatabase(string path, int size, Random random)
    {
        using var f = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20);
        var pageBytes = new byte[4096];
        var words = new[] { "message", "hello", "contact", "2024-05-01", "photo", "iMessage", "+15551234567", "attachment", "thread", "read" };
        for (var done = 0; done < size; done += pageBytes.Length)
        {
            var sb = new StringBuilder(4200);
            while (sb.Length < 4096)
            {
                sb.Append(words[random.Next(words.Length)]).Append('|').Append(random.Next(100000)).Append(';');
            }

            Encoding.ASCII.GetBytes(sb.ToString(0, 4096), pageBytes);
            f.Write(pageBytes, 0, Math.Min(pageBytes.Length, size - done));
        }

        return size;
    }

    private static long WriteText(string path, int size, Random random)
    {
        var sb = new StringBuilder(size + 64);
        while (sb.Length < size)
        {
            sb.Append("key").Append(random.Next(1000)).Append("=value").Append(random.Next(50)).Append('\n');
        }

        File.WriteAllText(path, sb.ToString(0, size));
        return size;
    }
}
