using System.Runtime.InteropServices;

namespace Keepsake.Repository.Internal;

/// <summary>The few POSIX calls .NET does not expose: lstat (inode, device, links, uid, gid, ctime) and fsync of a folder.</summary>
internal static unsafe partial class NativeMethods
{
    private const int ODirectory = 0x10000; // Linux O_DIRECTORY (x86-64 and arm64 differ: arm64 uses 0x4000).
    private const int ODirectoryArm64 = 0x4000;

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
