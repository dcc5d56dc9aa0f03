using System.Text;
using Keepsake.Repository.Trees;

namespace Keepsake.Repository.Internal;

/// <summary>Builds tree nodes from the file system, with the metadata restic records.</summary>
internal static class NodeFactory
{
    /// <summary>Orders names as Go sorts strings: by their UTF-8 bytes.</summary>
    public static readonly Comparison<string> NameOrder = (a, b) =>
    {
        if (a.All(char.IsAscii) && b.All(char.IsAscii))
        {
            return string.CompareOrdinal(a, b);
        }

        return Encoding.UTF8.GetBytes(a).AsSpan().SequenceCompareTo(Encoding.UTF8.GetBytes(b));
    };

    /// <summary>A node for <paramref name="path"/> (without content or subtree), or null when it vanished.</summary>
    public static Node? FromPath(string path, string name)
    {
        var st = NativeMethods.LStat(path);
        string? linkTarget = null;
        if (st is not null && (st.Mode & 0xF000) == 0xA000)
        {
            // readlink updates a link's access time and nothing can stop it; reading the link before the
            // lstat that is recorded keeps the node the same from one backup to the next.
            linkTarget = new FileInfo(path).LinkTarget;
            st = NativeMethods.LStat(path) ?? st;
        }

        if (st is not null)
        {
            var mode = GoFileMode.FromUnix(st.Mode);
            var type = (st.Mode & 0xF000) switch
            {
                0x8000 => NodeType.File,
                0x4000 => NodeType.Dir,
                0xA000 => NodeType.Symlink,
                0x6000 => NodeType.Dev,
                0x2000 => NodeType.CharDev,
                0x1000 => NodeType.Fifo,
                0xC000 => NodeType.Socket,
                _ => NodeType.Irregular,
            };
            return new Node
            {
                Name = name,
                Type = type,
                Mode = mode,
                ModTime = Time(st.ModifyTime),
                AccessTime = Time(st.AccessTime),
                ChangeTime = Time(st.ChangeTime),
                Uid = st.Uid,
                Gid = st.Gid,
                User = UserNames.User(st.Uid),
                Group = UserNames.Group(st.Gid),
                Inode = st.Inode,
                DeviceId = st.Device,
                Size = type == NodeType.File ? (ulong)st.Size : 0,
                Links = st.Links,
                LinkTarget = type == NodeType.Symlink ? linkTarget ?? new FileInfo(path).LinkTarget : null,
                Device = type is NodeType.Dev or NodeType.CharDev ? st.RDevice : 0,
            };
        }

        FileSystemInfo info = new FileInfo(path);
        if (!info.Exists)
        {
            info = new DirectoryInfo(path);
            if (!info.Exists)
            {
                return null;
            }
        }

        var isLink = info.LinkTarget is not null;
        var isDir = info is DirectoryInfo;
        uint perm = OperatingSystem.IsWindows() ? (isDir ? 0x1EDu : 0x1A4u) : (uint)info.UnixFileMode;
        return new Node
        {
            Name = name,
            Type = isLink ? NodeType.Symlink : isDir ? NodeType.Dir : NodeType.File,
            Mode = perm | (isLink ? GoFileMode.Symlink : isDir ? GoFileMode.Dir : 0),
            ModTime = new DateTimeOffset(info.LastWriteTimeUtc).ToLocalTime(),
            AccessTime = new DateTimeOffset(info.LastAccessTimeUtc).ToLocalTime(),
            ChangeTime = new DateTimeOffset(info.LastWriteTimeUtc).ToLocalTime(),
            Size = !isDir && !isLink ? (ulong)((FileInfo)info).Length : 0,
            LinkTarget = info.LinkTarget,
        };
    }

    private static DateTimeOffset Time((long Seconds, long Nanoseconds) ts)
    {
        var utc = DateTimeOffset.FromUnixTimeSeconds(ts.Seconds).AddTicks(ts.Nanoseconds / 100);
        return utc.ToLocalTime();
    }
}
