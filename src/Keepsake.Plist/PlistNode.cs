namespace Keepsake.Plist;

/// <summary>
/// One value of a property list. The concrete kinds are <see cref="PlistDictionary"/>,
/// <see cref="PlistArray"/>, <see cref="PlistString"/>, <see cref="PlistInteger"/>,
/// <see cref="PlistReal"/>, <see cref="PlistBoolean"/>, <see cref="PlistDate"/>,
/// <see cref="PlistData"/> and <see cref="PlistUid"/> (binary plists and NSKeyedArchiver only).
/// Values compare by content (<see cref="Equals(object)"/>), so two parses of the same plist
/// in different encodings are equal.
/// </summary>
public abstract class PlistNode : IEquatable<PlistNode>
{
    private protected PlistNode()
    {
    }

    /// <summary>The kind of value.</summary>
    public abstract PlistNodeKind Kind { get; }

    /// <summary>Structural equality.</summary>
    public abstract bool Equals(PlistNode? other);

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is PlistNode node && Equals(node);

    /// <inheritdoc />
    public override abstract int GetHashCode();

    /// <summary>This value as a string, or an <see cref="InvalidCastException"/> naming both kinds.</summary>
    public string AsString() => As<PlistString>().Value;

    /// <summary>This value as a 64-bit signed integer.</summary>
    public long AsInt64() => As<PlistInteger>().ToInt64();

    /// <summary>This value as a boolean.</summary>
    public bool AsBoolean() => As<PlistBoolean>().Value;

    /// <summary>This value's bytes.</summary>
    public byte[] AsData() => As<PlistData>().Value;

    /// <summary>This value as a dictionary.</summary>
    public PlistDictionary AsDictionary() => As<PlistDictionary>();

    /// <summary>This value as an array.</summary>
    public PlistArray AsArray() => As<PlistArray>();

    /// <summary>Casts to a concrete kind, with a message that names the expected and actual kinds.</summary>
    public T As<T>()
        where T : PlistNode =>
        this as T ?? throw new InvalidCastException($"Expected a plist {typeof(T).Name}, found {Kind}.");

    /// <summary>Implicit conversions make building plists in code short.</summary>
    public static implicit operator PlistNode(string value) => new PlistString(value);

    /// <inheritdoc cref="op_Implicit(string)"/>
    public static implicit operator PlistNode(long value) => new PlistInteger(value);

    /// <inheritdoc cref="op_Implicit(string)"/>
    public static implicit operator PlistNode(bool value) => new PlistBoolean(value);

    /// <inheritdoc cref="op_Implicit(string)"/>
    public static implicit operator PlistNode(byte[] value) => new PlistData(value);

    /// <inheritdoc cref="op_Implicit(string)"/>
    public static implicit operator PlistNode(double value) => new PlistReal(value);

    /// <inheritdoc cref="op_Implicit(string)"/>
    public static implicit operator PlistNode(DateTimeOffset value) => new PlistDate(value);
}
