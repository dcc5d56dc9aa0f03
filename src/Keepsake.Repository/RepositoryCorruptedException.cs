namespace Keepsake.Repository;

/// <summary>
/// Something stored in the repository is damaged, missing or not what its name promises: a pack
/// whose bytes do not hash to its name, a blob whose MAC fails, a tree that does not parse, an
/// index entry pointing at a missing pack. It names the object (<see cref="ObjectType"/> and
/// <see cref="ObjectId"/>) and, where it applies, the byte <see cref="Offset"/> inside it.
/// </summary>
public sealed class RepositoryCorruptedException : IOException
{
    public RepositoryCorruptedException(string objectType, string objectId, string problem, long? offset = null, Exception? innerException = null)
        : base(Format(objectType, objectId, problem, offset), innerException)
    {
        ObjectType = objectType;
        ObjectId = objectId;
        Problem = problem;
        Offset = offset;
    }

    /// <summary>What kind of object: "pack", "index", "snapshot", "key", "config", "lock", "data blob", "tree blob".</summary>
    public string ObjectType { get; }

    /// <summary>The object's ID (hex) or name.</summary>
    public string ObjectId { get; }

    /// <summary>What is wrong, without the object's name.</summary>
    public string Problem { get; }

    /// <summary>Where in the object, when known.</summary>
    public long? Offset { get; }

    private static string Format(string objectType, string objectId, string problem, long? offset) =>
        offset is null ? $"{objectType} {objectId}: {problem}" : $"{objectType} {objectId} at offset {offset}: {problem}";
}
