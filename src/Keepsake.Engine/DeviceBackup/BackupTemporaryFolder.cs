using System.Globalization;
using Keepsake.Primitives;

namespace Keepsake.Engine.DeviceBackup;

/// <summary>
/// The owner-only (0700) folder a device backup keeps its bookkeeping files in while it runs
/// (<c>&lt;root&gt;/run-&lt;pid&gt;-&lt;random&gt;</c>). Removed when disposed (after success or failure); a
/// folder left by a killed process (its pid no longer runs) is removed when the next backup starts.
/// </summary>
internal sealed class BackupTemporaryFolder : IDisposable
{
    private const string Prefix = "run-";
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    private BackupTemporaryFolder(string path) => Path = path;

    public string Path { get; }

    public static BackupTemporaryFolder Create(string root)
    {
        ArgumentException.ThrowIfNullOrEmpty(root);
        CreateOwnerOnly(root);
        RemoveStale(root);
        var path = System.IO.Path.Combine(root, $"{Prefix}{Environment.ProcessId.ToString(CultureInfo.InvariantCulture)}-{Guid.NewGuid():N}");
        CreateOwnerOnly(path);
        return new BackupTemporaryFolder(path);
    }

    /// <summary>A new owner-only subfolder.</summary>
    public string CreateFolder(string name)
    {
        var path = System.IO.Path.Combine(Path, name);
        CreateOwnerOnly(path);
        return path;
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
        }
    }

    private static void CreateOwnerOnly(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(path);
        }
        else
        {
            Directory.CreateDirectory(path, OwnerOnly);
            File.SetUnixFileMode(path, OwnerOnly);
        }
    }

    private static void RemoveStale(string root)
    {
        foreach (var folder in Directory.EnumerateDirectories(root, Prefix + "*"))
        {
            var name = System.IO.Path.GetFileName(folder);
            var dash = name.IndexOf('-', Prefix.Length);
            if (dash < 0 || !int.TryParse(name.AsSpan(Prefix.Length, dash - Prefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out var pid) || IsRunning(pid))
            {
                continue;
            }

            try
            {
                Directory.Delete(folder, recursive: true);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Another start is removing it too; whatever is left goes next time.
            }
        }
    }

    private static bool IsRunning(int pid) => pid == Environment.ProcessId || LocalProcess.IsRunning(pid);
}
