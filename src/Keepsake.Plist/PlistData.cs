namespace Keepsake.Plist;

/// <summary>Raw bytes.</summary>
public sealed class PlistData(byte[] value) : PlistNode
{
    public byte[] Value { get; } = value ?? throw new ArgumentNullException(nameof(value));

    public override PlistNodeKind Kind => PlistNodeKind.Data;

    public override bool Equals(PlistNode? other) => other is PlistData d && d.Value.AsSpan().SequenceEqual(Value);

    public override int GetHashCode()
    {
        var hash = default(HashCode);
        hash.Add(Value.Length);
        hash.AddBytes(Value.AsSpan(0, Math.Min(Value.Length, 64)));
        return hash.ToHashCode();
    }

    public override string ToString() => $"<{Value.Length} bytes>";
}
