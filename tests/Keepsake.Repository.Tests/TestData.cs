namespace Keepsake.Repository.Tests;

/// <summary>Generated folders for backups: random (incompressible) and repetitive content, nested folders, a symlink.</summary>
internal static class TestData
{
    public static void CreateTree(string root, int seed, int files = 12, int maxSize = 300_000)
    {
        var random = new Random(seed);
        Directory.CreateDirectory(root);
        for (var i = 0; i < files; i++)
        {
            var folder = Path.Combine(root, $"dir{i % 3}", i % 2 == 0 ? "sub" : string.Empty);
            Directory.CreateDirectory(folder);
            var size = random.Next(0, maxSize);
            var bytes = new byte[size];
            if (i % 3 == 0)
            {
                random.NextBytes(bytes);
            }
            else
            {
                for (var k = 0; k < size; k++)
                {
                    bytes[k] = (byte)('a' + (k / 7 % 26));
                }
            }

            File.WriteAllBytes(Path.Combine(folder, $"file{i}.bin"), bytes);
        }

        File.WriteAllText(Path.Combine(root, "empty.txt"), string.Empty);
        File.WriteAllText(Path.Combine(root, "näme with spaces & <html>.txt"), "unicode name");
        Directory.CreateDirectory(Path.Combine(root, "emptydir"));
        if (!OperatingSystem.IsWindows())
        {
            File.CreateSymbolicLink(Path.Combine(root, "link"), "dir0/file0.bin");
        }
    }

    public static void CreateRandomFile(string path, long size, int seed)
    {
        var random = new Random(seed);
        using var f = File.Create(path);
        var buffer = new byte[1 << 20];
        for (long done = 0; done < size; done += buffer.Length)
        {
            random.NextBytes(buffer);
            f.Write(buffer, 0, (int)Math.Min(buffer.Length, size - done));
        }
    }

    /// <summary>Asserts two folders hold the same files (names, bytes) and symlinks.</summary>
    public static void AssertSameTree(string expected, string actual)
    {
        var e = List(expected);
        var a = List(actual);
        Assert.Equal(e.Keys.Order(StringComparer.Ordinal), a.Keys.Order(StringComparer.Ordinal));
        foreach (var (rel, kind) in e)
        {
            Assert.Equal(kind, a[rel]);
            if (kind == "file")
            {
                Assert.True(File.ReadAllBytes(Path.Combine(expected, rel)).AsSpan().SequenceEqual(File.ReadAllBytes(Path.Combine(actual, rel))), $"content of {rel} differs");
            }
        }
    }

    private static Dictionary<string, string> List(string root)
    {
        var result = new Dictionary<string, string>();
        foreach (var path in Directory.EnumerateFileSystemEntries(root, "*", SearchOption.AllDirectories))
        {
            var rel = Path.GetRelativePath(root, path);
            var info = new FileInfo(path);
            result[rel] = info.LinkTarget is { } target ? "link:" + target : Directory.Exists(path) ? "dir" : "file";
        }

        return result;
    }
}
