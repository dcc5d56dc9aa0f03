namespace Keepsake.Repository.Trees;

/// <summary>
/// One entry of a tree: a file, directory, symlink or special file with restic's metadata. Field
/// meanings and JSON names are in docs/design/repository-format.md, "Trees".
/// </summary>
public sealed class Node
{
    /// <summary>The entry's name (one path segment, untrusted when read from a repository).</summary>
    public required string Name { get; init; }

    /// <summary>Its kind.</summary>
    public required NodeType Type { get; init; }

    /// <summary>Go os.FileMode bits (see <see cref="GoFileMode"/>).</summary>
    public uint Mode { get; init; }

    /// <summary>Modification time.</summary>
    public DateTimeOffset ModTime { get; init; }

    /// <summary>Access time.</summary>
    public DateTimeOffset AccessTime { get; init; }

    /// <summary>Status change time.</summary>
    public DateTimeOffset ChangeTime { get; init; }

    public uint Uid { get; init; }

    public uint Gid { get; init; }

    public string? User { get; init; }

    public string? Group { get; init; }

    public ulong Inode { get; init; }

    /// <summary>st_dev of the file.</summary>
    public ulong DeviceId { get; init; }

    /// <summary>Content size in bytes (files).</summary>
    public ulong Size { get; init; }

    public ulong Links { get; init; }

    /// <summary>The symlink's target.</summary>
    public string? LinkTarget { get; init; }

    /// <summary>st_rdev for device nodes.</summary>
    public ulong Device { get; init; }

    /// <summary>The data blobs of a file's content, in order (null for non-files).</summary>
    public IReadOnlyList<ObjectId>? Content { get; init; }

    /// <summary>The tree blob of a directory.</summary>
    public ObjectId? Subtree { get; init; }

    /// <summary>An error restic recorded while reading the entry.</summary>
    public string? Error { get; init; }

    /// <summary>This node with other content, subtree and size; every other field kept.</summary>
    internal Node WithData(IReadOnlyList<ObjectId>? content, ObjectId? subtree, ulong size) => new()
    {
        Name = Name,
        Type = Type,
        Mode = Mode,
        ModTime = ModTime,
        AccessTime = AccessTime,
        ChangeTime = ChangeTime,
        Uid = Uid,
        Gid = Gid,
        User = User,
        Group = Group,
        Inode = Inode,
        DeviceId = DeviceId,
        Size = size,
        Links = Links,
        LinkTarget = LinkTarget,
        Device = Device,
        Content = content,
        Subtree = subtree,
        Error = Error,
    };
}
