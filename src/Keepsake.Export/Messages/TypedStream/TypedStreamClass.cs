namespace Keepsake.Export.Messages.TypedStream;

/// <summary>One class of an archived object's class chain: its name, its archived version and its superclass.</summary>
public sealed class TypedStreamClass
{
    internal TypedStreamClass(string name, long version)
    {
        Name = name;
        Version = version;
    }

    public string Name { get; }

    public long Version { get; }

    /// <summary>The superclass, or null for a root class (NSObject).</summary>
    public TypedStreamClass? Superclass { get; internal set; }

    /// <summary>Whether this class or one of its superclasses is named <paramref name="name"/>.</summary>
    public bool IsKindOf(string name)
    {
        var depth = 0;
        for (var c = this; c is not null && depth < 1000; c = c.Superclass, depth++)
        {
            if (c.Name == name)
            {
                return true;
            }
        }

        return false;
    }

    /// <inheritdoc />
    public override string ToString() => Name;
}
