namespace Keepsake.BackupFormat;

/// <summary>Why <see cref="BackupExtractor"/> did not write an entry.</summary>
public enum ExtractSkipKind
{
    /// <summary>The Manifest path would leave the destination (<c>..</c>, absolute, odd domain, or through a link).</summary>
    UnsafePath,

    /// <summary>A symbolic link whose target is an absolute device path or leaves its domain folder (normal in real backups).</summary>
    LinkTargetOutside,

    /// <summary>Something of another kind already exists at the path.</summary>
    Conflict,

    /// <summary>The file's key is bound to the device and cannot be decrypted here.</summary>
    DeviceBound,

    /// <summary>The file's stored content is damaged (<see cref="BackupFormatError.CorruptBlob"/>): the rest is still written.</summary>
    Damaged,

    /// <summary>The entry's record or content cannot be read (an undecodable Manifest row, a damaged or undecryptable blob, a blob that is a symbolic link).</summary>
    Unreadable,

    /// <summary>The file system cannot hold the entry's name (a name over 255 bytes).</summary>
    Unwritable,
}
