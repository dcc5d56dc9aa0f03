namespace Keepsake.Repository.Trees;

/// <summary>Go's os.FileMode bits, as restic stores a node's "mode".</summary>
public static class GoFileMode
{
    public const uint Dir = 1u << 31;
    public const uint Symlink = 1u << 27;
    public const uint Device = 1u << 26;
    public const uint NamedPipe = 1u << 25;
    public const uint Socket = 1u << 24;
    public const uint Setuid = 1u << 23;
    public const uint Setgid = 1u << 22;
    public const uint CharDevice = 1u << 21;
    public const uint Sticky = 1u << 20;
    public const uint Irregular = 1u << 19;
    public const uint Perm = 0x1FF;

    /// <summary>Converts a POSIX st_mode to Go's FileMode, masked as restic masks it.</summary>
    public static uint FromUnix(uint stMode)
    {
        var mode = stMode & Perm;
        if ((stMode & 0x800) != 0)
        {
            mode |= Setuid;
        }

        if ((stMode & 0x400) != 0)
        {
            mode |= Setgid;
        }

        if ((stMode & 0x200) != 0)
        {
            mode |= Sticky;
        }

        mode |= (stMode & 0xF000) switch
        {
            0x4000 => Dir,
            0xA000 => Symlink,
            0x6000 => Device,
            0x2000 => Device | CharDevice,
            0x1000 => NamedPipe,
            0xC000 => Socket,
            _ => 0u,
        };
        return mode;
    }

    /// <summary>The POSIX permission bits (with setuid/setgid/sticky) of a Go FileMode.</summary>
    public static UnixFileMode ToUnixPermissions(uint goMode)
    {
        var mode = goMode & Perm;
        if ((goMode & Setuid) != 0)
        {
            mode |= 0x800;
        }

        if ((goMode & Setgid) != 0)
        {
            mode |= 0x400;
        }

        if ((goMode & Sticky) != 0)
        {
            mode |= 0x200;
        }

        return (UnixFileMode)mode;
    }
}
