using Keepsake.TestKit;

namespace Keepsake.Cli.Tests;

/// <summary>A small tmpfs mounted on a folder for the length of a test (to make a disk fill up); needs root.</summary>
internal sealed class TmpfsMount : IDisposable
{
    private TmpfsMount(string path)
    {
        Path = path;
    }

    public string Path { get; }

    /// <summary>Whether this process may mount a tmpfs (tried once, on a throwaway folder).</summary>
    public static bool IsPermitted { get; } = Probe();

    public static TmpfsMount Create(string path, string size)
    {
        Directory.CreateDirectory(path);
        ExternalTool.Run("mount", ["-t", "tmpfs", "-o", $"size={size},mode=0700", "tmpfs", path], TimeSpan.FromSeconds(30)).EnsureSuccess("mount -t tmpfs");
        return new TmpfsMount(path);
    }

    public void Dispose() => ExternalTool.Run("umount", [Path], TimeSpan.FromSeconds(30));

    private static bool Probe()
    {
        if (!OperatingSystem.IsLinux() || Environment.UserName != "root" || ExternalTool.Find("mount") is null)
        {
            return false;
        }

        var probe = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"keepsake-tmpfs-probe-{Guid.NewGuid():N}");
        Directory.CreateDirectory(probe);
        try
        {
            if (ExternalTool.Run("mount", ["-t", "tmpfs", "-o", "size=64k", "tmpfs", probe], TimeSpan.FromSeconds(30)).ExitCode != 0)
            {
                return false;
            }

            ExternalTool.Run("umount", [probe], TimeSpan.FromSeconds(30));
            return true;
        }
        finally
        {
            Directory.Delete(probe);
        }
    }
}
