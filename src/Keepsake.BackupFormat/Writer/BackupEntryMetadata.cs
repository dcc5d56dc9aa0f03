namespace Keepsake.BackupFormat.Writer;

/// <summary>MBFile fields for an entry added to a <see cref="BackupWriter"/>; unset fields get typical values.</summary>
public sealed record BackupEntryMetadata
{
    /// <summary>Permission bits (the type bits are set from the kind); default 0644 for files, 0755 otherwise.</summary>
    public int? Permissions { get; init; }

    public long InodeNumber { get; init; }

    public int UserId { get; init; } = 501;

    public int GroupId { get; init; } = 501;

    /// <summary>Modification time; the writer's backup date when null.</summary>
    public DateTimeOffset? LastModified { get; init; }

    public DateTimeOffset? LastStatusChange { get; init; }

    public DateTimeOffset? Birth { get; init; }

    /// <summary>Data Protection class; files default to 3, directories and links to 0.</summary>
    public int? ProtectionClass { get; init; }

    public byte[]? Digest { get; init; }

    public IReadOnlyDictionary<string, byte[]>? ExtendedAttributes { get; init; }
}
