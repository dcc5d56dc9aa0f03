namespace Keepsake.BackupFormat;

/// <summary>What went wrong reading or writing a backup.</summary>
public enum BackupFormatError
{
    /// <summary>A required file (Manifest.plist, Manifest.db...) is missing.</summary>
    MissingFile,

    /// <summary>A plist, Manifest.db or mbdb is malformed.</summary>
    CorruptManifest,

    /// <summary>The keybag is malformed or lacks what decryption needs.</summary>
    CorruptKeybag,

    /// <summary>The backup password does not unwrap the keybag's class keys.</summary>
    WrongPassword,

    /// <summary>The backup is encrypted and no password was given.</summary>
    PasswordRequired,

    /// <summary>A file's key needs a protection class that is bound to the device (WRAP bit 1).</summary>
    DeviceBoundKey,

    /// <summary>A file's content blob is absent from the backup folder.</summary>
    MissingBlob,

    /// <summary>A file's content cannot be decrypted (bad key, bad length or padding).</summary>
    CorruptBlob,

    /// <summary>The backup was not finished (Status.plist SnapshotState is not "finished").</summary>
    Incomplete,

    /// <summary>A file of the backup folder (or a folder on its way) is a symbolic link; it is not followed.</summary>
    LinkedFile,

    /// <summary>The backup uses a format variant Keepsake does not read.</summary>
    Unsupported,
}
