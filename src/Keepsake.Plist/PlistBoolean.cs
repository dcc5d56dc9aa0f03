namespace Keepsake.Plist;

/// <summary>A boolean.</summary>
public sealed class PlistBoolean(bool value) : PlistNode
{
    public static readonly PlistBoolean True = new(true);
    public static readonly PlistBoolean False = new(false);

    public bool Value { get; } = value;

    public override PlistNodeKind Kind => PlistNodeKind.Boolean;

    public override bool Equals(PlistNode? other) => other is PlistBoolean b && b.Value == Value;

    public override int GetHashCode() => Value ? 1 : 0;

    public override string ToString() => Value ? "true" : "false";
}
