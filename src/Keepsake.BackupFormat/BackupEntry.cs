namespace Keepsake.BackupFormat;

/// <summary>
/// One file, directory or symbolic link of a backup, with everything its Manifest record
/// (an MBFile in Manifest.db, or an mbdb record) holds. Times are UTC.
/// See docs/design/backup-format.md, "Manifest.db" and "MBFile".
/// </summary>
public sealed record BackupEntry
{
    /// <summary>Lower-case hex SHA-1 of UTF-8 "domain-relativePath"; also the blob's file name.</summary>
    public required string FileId { get; init; }

    /// <summary>Backup domain, e.g. HomeDomain or AppDomain-net.whatsapp.WhatsApp.</summary>
    public required string Domain { get; init; }

    /// <summary>Path inside the domain, no leading slash; empty for the domain's root.</summary>
    public required string RelativePath { get; init; }

    public required BackupEntryKind Kind { get; init; }

    /// <summary>Plaintext size recorded by the device. Not reliable for truncation.</summary>
    public long Size { get; init; }

    /// <summary>st_mode (type in the top four bits, permissions in the low twelve).</summary>
    public int Mode { get; init; }

    public long InodeNumber { get; init; }

    public int UserId { get; init; }

    public int GroupId { get; init; }

    public DateTimeOffset LastModified { get; init; }

    public DateTimeOffset LastStatusChange { get; init; }

    public DateTimeOffset Birth { get; init; }

    /// <summary>Data Protection class (0..11).</summary>
    public int ProtectionClass { get; init; }

    /// <summary>Symbolic link target (an absolute device path), for <see cref="BackupEntryKind.Symlink"/>.</summary>
    public string? SymlinkTarget { get; init; }

    /// <summary>Encrypted backups: 4-byte little-endian class + 40-byte RFC 3394-wrapped file key.</summary>
    public byte[]? EncryptionKey { get; init; }

    /// <summary>Content digest, present on some files only.</summary>
    public byte[]? Digest { get; init; }

    /// <summary>Extended attributes (name → value), if any.</summary>
    public IReadOnlyDictionary<string, byte[]>? ExtendedAttributes { get; init; }

    /// <summary>MBFile internal flags, normally 0.</summary>
    public long Flags { get; init; }
}
