using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Keepsake.Repository.Internal;

/// <summary>
/// The few POSIX calls .NET does not expose: lstat (inode, device, links, uid, gid, ctime), fsync of a folder,
/// and reading files and folders without updating their access time (O_NOATIME), as a backup program should.
/// </summary>
internal static unsafe partial class NativeMethods
{
    private const int ODirectory = 0x10000; // Linux O_DIRECTORY (x86-64 and arm64 differ: arm64 uses 0x4000).
    private const int ODirectoryArm64 = 0x4000;
    private const int ONoAccessTime = 0x40000; // Linux O_NOATIME (the same on x86-64 and arm64).
    private const int OCloseOnExec = 0x80000; // Linux O_CLOEXEC.
    private const int FGetFlags = 3; // F_GETFL
    private const int FSetFlags = 4; // F_SETFL
    private const int DirentNameOffset = 19; // struct dirent on 64-bit glibc and musl: ino 8, off 8, reclen 2, type 1, name.

    private static bool IsLinux64 => OperatingSystem.IsLinux()
        && RuntimeInformation.ProcessArchitecture is Architecture.X64 or Architecture.Arm64;

    public static bool IsLinux => OperatingSystem.IsLinux();

    /// <summary>fsync of a folder so that a rename inside it is durable. Best effort off Linux.</summary>
    public static void FsyncDirectory(string path)
    {
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS())
        {
            return;
        }

        var flags = RuntimeInformation.ProcessArchitecture == Architecture.Arm64 ? ODirectoryArm64 : ODirectory;
        if (OperatingSystem.IsMacOS())
        {
            flags = 0x100000;
        }

        var fd = Open(path, flags);
        if (fd < 0)
        {
            return;
        }

        try
        {
            _ = Fsync(fd);
        }
        finally
        {
            _ = Close(fd);
        }
    }

    /// <summary>lstat on Linux x86-64/arm64; null elsewhere or on failure.</summary>
    public static FileStatus? LStat(string path)
    {
        if (!OperatingSystem.IsLinux())
        {
            return null;
        }

        var arch = RuntimeInformation.ProcessArchitecture;
        if (arch != Architecture.X64 && arch != Architecture.Arm64)
        {
            return null;
        }

        var buffer = stackalloc byte[256];
        if (LStatNative(path, buffer) != 0)
        {
            return null;
        }

        var span = new ReadOnlySpan<byte>(buffer, 256);
        static ulong U64(ReadOnlySpan<byte> s, int o) => BitConverter.ToUInt64(s[o..]);
        static uint U32(ReadOnlySpan<byte> s, int o) => BitConverter.ToUInt32(s[o..]);
        if (arch == Architecture.X64)
        {
            // dev 0, ino 8, nlink 16, mode 24, uid 28, gid 32, rdev 40, size 48, atim 72, mtim 88, ctim 104
            return new FileStatus(U64(span, 0), U64(span, 8), U64(span, 16), U32(span, 24), U32(span, 28), U32(span, 32), U64(span, 40),
                (long)U64(span, 48), Ts(span, 72), Ts(span, 88), Ts(span, 104));
        }

        // arm64 generic: dev 0, ino 8, mode 16, nlink 20, uid 24, gid 28, rdev 32, size 48, atim 72, mtim 88, ctim 104
        return new FileStatus(U64(span, 0), U64(span, 8), U32(span, 20), U32(span, 16), U32(span, 24), U32(span, 28), U64(span, 32),
            (long)U64(span, 48), Ts(span, 72), Ts(span, 88), Ts(span, 104));
    }

    private static (long Seconds, long Nanoseconds) Ts(ReadOnlySpan<byte> s, int offset) =>
        (BitConverter.ToInt64(s[offset..]), BitConverter.ToInt64(s[(offset + 8)..]));

    /// <summary>
    /// Stops reads through <paramref name="handle"/> from updating the file's access time (Linux O_NOATIME).
    /// Best effort: the kernel allows it only to the file's owner or a privileged process, and other systems lack it.
    /// </summary>
    public static void TryStopAccessTimeUpdates(SafeFileHandle handle)
    {
        if (!IsLinux64 || handle.IsInvalid)
        {
            return;
        }

        var fd = (int)handle.DangerousGetHandle();
        var flags = Fcntl(fd, FGetFlags, 0);
        if (flags >= 0 && (flags & ONoAccessTime) == 0)
        {
            _ = Fcntl(fd, FSetFlags, flags | ONoAccessTime);
        }
    }

    /// <summary>
    /// The names in a folder (without "." and ".."), read without updating the folder's access time where the
    /// kernel allows it. Throws <see cref="IOException"/> or <see cref="UnauthorizedAccessException"/> as
    /// <see cref="Directory.EnumerateFileSystemEntries(string)"/> does.
    /// </summary>
    public static List<string> ListDirectory(string path)
    {
        if (!IsLinux64)
        {
            return [.. Directory.EnumerateFileSystemEntries(path).Select(Path.GetFileName).OfType<string>()];
        }

        var directoryFlag = RuntimeInformation.ProcessArchitecture == Architecture.Arm64 ? ODirectoryArm64 : ODirectory;
        var fd = Open(path, directoryFlag | OCloseOnExec | ONoAccessTime);
        if (fd < 0)
        {
            // EPERM: not the folder's owner. Anything else (missing, not a folder, denied) is raised by .NET's own listing.
            fd = Open(path, directoryFlag | OCloseOnExec);
            if (fd < 0)
            {
                return [.. Directory.EnumerateFileSystemEntries(path).Select(Path.GetFileName).OfType<string>()];
            }
        }

        var dir = FdOpenDir(fd);
        if (dir == 0)
        {
            _ = Close(fd);
            throw new IOException($"Cannot list the folder '{path}'.");
        }

        var names = new List<string>();
        try
        {
            while (true)
            {
                // NULL is both the end and an error: errno (cleared before each call) tells them apart.
                var entry = ReadDir(dir);
                if (entry == 0)
                {
                    var errno = Marshal.GetLastPInvokeError();
                    if (errno != 0)
                    {
                        throw new IOException($"Listing the folder '{path}' failed (errno {errno}).");
                    }

                    break;
                }

                var name = new ReadOnlySpan<byte>((byte*)entry + DirentNameOffset, 256);
                name = name[..name.IndexOf((byte)0)];
                if (name is [(byte)'.'] or [(byte)'.', (byte)'.'])
                {
                    continue;
                }

                names.Add(System.Text.Encoding.UTF8.GetString(name));
            }
        }
        finally
        {
            _ = CloseDir(dir); // also closes fd
        }

        return names;
    }

    /// <summary>The real user and group IDs of this process (0 off Unix).</summary>
    public static (uint Uid, uint Gid) CurrentIds() =>
        OperatingSystem.IsLinux() || OperatingSystem.IsMacOS() ? (GetUid(), GetGid()) : (0u, 0u);

    [LibraryImport("libc", EntryPoint = "getuid")]
    private static partial uint GetUid();

    [LibraryImport("libc", EntryPoint = "getgid")]
    private static partial uint GetGid();

    [LibraryImport("libc", EntryPoint = "lstat", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int LStatNative(string path, byte* buffer);

    [LibraryImport("libc", EntryPoint = "open", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "fcntl")]
    private static partial int Fcntl(int fd, int command, int argument);

    [LibraryImport("libc", EntryPoint = "fdopendir")]
    private static partial nint FdOpenDir(int fd);

    // readdir, not readdir64: musl has only the first, and on 64-bit glibc both return the same struct.
    [LibraryImport("libc", EntryPoint = "readdir", SetLastError = true)]
    private static partial nint ReadDir(nint dir);

    [LibraryImport("libc", EntryPoint = "closedir")]
    private static partial int CloseDir(nint dir);

    [LibraryImport("libc", EntryPoint = "fsync")]
    private static partial int Fsync(int fd);

    [LibraryImport("libc", EntryPoint = "close")]
    private static partial int Close(int fd);
}

/// <summary>What lstat returns, as far as restic's nodes need it.</summary>
internal sealed record FileStatus(
    ulong Device,
    ulong Inode,
    ulong Links,
    uint Mode,
    uint Uid,
    uint Gid,
    ulong RDevice,
    long Size,
    (long Seconds, long Nanoseconds) AccessTime,
    (long Seconds, long Nanoseconds) ModifyTime,
    (long Seconds, long Nanoseconds) ChangeTime);
