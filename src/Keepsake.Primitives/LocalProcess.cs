using System.Diagnostics;
using System.Globalization;

namespace Keepsake.Primitives;

/// <summary>Facts about processes on this machine.</summary>
public static class LocalProcess
{
    /// <summary>Whether a process with id <paramref name="pid"/> exists here (false for ids of 0 or less).</summary>
    public static bool IsRunning(int pid)
    {
        if (pid <= 0)
        {
            return false;
        }

        if (OperatingSystem.IsLinux())
        {
            return Directory.Exists("/proc/" + pid.ToString(CultureInfo.InvariantCulture));
        }

        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }
}
