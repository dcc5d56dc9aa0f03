namespace Keepsake.Plist;

/// <summary>Raw bytes.</summary>
public sealed class PlistData(byte[] value) : PlistNode
{
    public byte[] Value { get; } = value ?? throw new ArgumentNullException(nameof(value));

    public override PlistNodeKind Kind => PlistNodeKind.Data;

    public override bool Equals(PlistNode? other) => other is PlistData d && d.Value.AsSpan().SequenceEqual(Value);

    public override int GetHashCode() => HashCode.Combine(Value.Length, Value.Length > 0 ? Value[0] : 0);

    public override string ToString() => $"<{Value.Length} bytes>";
}
