using System.Runtime.InteropServices;

namespace Keepsake.Cli;

/// <summary>
/// Makes every file and folder this process creates from now on owner-only (umask 077), whichever
/// writer creates it: extract, each exporter, HTML and PDF pages, attachments. Applied once plaintext
/// of an encrypted backup is being read, so that it is never written readable by other users.
/// </summary>
internal static partial class OwnerOnlyOutput
{
    private const uint OwnerOnlyMask = 0x3F; // 077: no group or other bits

    public static void Apply()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        var previous = NativeMethods.umask(OwnerOnlyMask);
        NativeMethods.umask(previous | OwnerOnlyMask);
    }

    private static class NativeMethods
    {
        [DllImport("libc", EntryPoint = "umask")]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
#pragma warning disable SYSLIB1054 // A blittable signature needs no marshalling code.
        internal static extern uint umask(uint mask);
#pragma warning restore SYSLIB1054
    }
}
