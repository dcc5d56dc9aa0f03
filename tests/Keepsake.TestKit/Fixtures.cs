namespace Keepsake.TestKit;

/// <summary>
/// The shared public fixtures, read in place from <c>../shared/fixtures</c> beside the project's
/// root (never copied into the project). Tests that need one use <see cref="FixtureFactAttribute"/>,
/// which skips with a clear message when the folder is absent.
/// </summary>
public static class Fixtures
{
    private static readonly Lazy<string?> RootLazy = new(FindRoot);

    /// <summary>The fixtures folder, or null when it is not beside the project.</summary>
    public static string? Root => RootLazy.Value;

    /// <summary>The project's root folder (the one holding Keepsake.slnx).</summary>
    public static string ProjectRoot { get; } = FindProjectRoot();

    /// <summary>The absolute path of a fixture file or folder; fails the test when absent.</summary>
    public static string Path(params string[] parts)
    {
        var root = Root ?? throw new InvalidOperationException("The shared fixtures folder (../shared/fixtures) is not present.");
        var full = System.IO.Path.Combine([root, .. parts]);
        if (!File.Exists(full) && !Directory.Exists(full))
        {
            throw new FileNotFoundException($"Fixture '{string.Join('/', parts)}' is missing from {root}.", full);
        }

        return full;
    }

    /// <summary>Whether the fixture exists.</summary>
    public static bool Exists(string relative) =>
        Root is { } root && (File.Exists(System.IO.Path.Combine(root, relative)) || Directory.Exists(System.IO.Path.Combine(root, relative)));

    /// <summary>
    /// Copies a SQLite fixture and its -wal/-shm sidecars into <paramref name="into"/> so that it can be
    /// opened without checkpointing the original. Returns the copied database's path.
    /// </summary>
    public static string CopySqlite(string relative, TempDirectory into)
    {
        ArgumentNullException.ThrowIfNull(into);
        var source = Path(relative);
        var target = into.Combine(System.IO.Path.GetFileName(source));
        File.Copy(source, target, overwrite: true);
        foreach (var suffix in new[] { "-wal", "-shm" })
        {
            if (File.Exists(source + suffix))
            {
                File.Copy(source + suffix, target + suffix, overwrite: true);
            }
        }

        return target;
    }

    private static string FindProjectRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(System.IO.Path.Combine(dir.FullName, "Keepsake.slnx")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? Directory.GetCurrentDirectory();
    }

    private static string? FindRoot()
    {
        var fromEnv = Environment.GetEnvironmentVariable("KEEPSAKE_FIXTURES");
        if (!string.IsNullOrEmpty(fromEnv) && Directory.Exists(fromEnv))
        {
            return fromEnv;
        }

        var candidate = System.IO.Path.GetFullPath(System.IO.Path.Combine(ProjectRoot, "..", "shared", "fixtures"));
        return Directory.Exists(candidate) ? candidate : null;
    }
}
