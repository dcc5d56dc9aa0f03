namespace Keepsake.Plist;

/// <summary>A string (ASCII or UTF-16 in binary plists; the encoding is chosen when writing).</summary>
public sealed class PlistString(string value) : PlistNode
{
    public string Value { get; } = value ?? throw new ArgumentNullException(nameof(value));

    public override PlistNodeKind Kind => PlistNodeKind.String;

    public override bool Equals(PlistNode? other) => other is PlistString s && string.Equals(s.Value, Value, StringComparison.Ordinal);

    public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(Value);

    public override string ToString() => Value;
}
