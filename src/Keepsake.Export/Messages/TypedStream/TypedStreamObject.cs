namespace Keepsake.Export.Messages.TypedStream;

/// <summary>
/// An archived object: its class chain and the value groups its classes wrote, in order
/// (superclass fields first). References to the same object number return the same instance.
/// </summary>
public sealed class TypedStreamObject
{
    private readonly List<TypedStreamGroup> _groups = [];

    internal TypedStreamObject(long offset)
    {
        Offset = offset;
    }

    /// <summary>The concrete class (null only while the class chain is being read).</summary>
    public TypedStreamClass? Class { get; internal set; }

    /// <summary>Byte offset of the object's NEW tag.</summary>
    public long Offset { get; }

    public IReadOnlyList<TypedStreamGroup> Groups => _groups;

    /// <summary>Whether the object's class or a superclass is named <paramref name="className"/>.</summary>
    public bool IsKindOf(string className) => Class?.IsKindOf(className) == true;

    internal void Add(TypedStreamGroup group) => _groups.Add(group);

    /// <inheritdoc />
    public override string ToString() => $"<{Class?.Name ?? "?"} with {_groups.Count} groups>";
}
