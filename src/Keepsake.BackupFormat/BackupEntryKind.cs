namespace Keepsake.BackupFormat;

/// <summary>What a Manifest row describes. Values are the Manifest.db <c>flags</c> column.</summary>
public enum BackupEntryKind
{
    /// <summary>A regular file (flags 1); the only kind with a content blob.</summary>
    File = 1,

    /// <summary>A directory (flags 2).</summary>
    Directory = 2,

    /// <summary>A symbolic link (flags 4); see <see cref="BackupEntry.SymlinkTarget"/>.</summary>
    Symlink = 4,
}
