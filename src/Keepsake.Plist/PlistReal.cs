using System.Globalization;

namespace Keepsake.Plist;

/// <summary>A floating-point number (4- or 8-byte in binary plists; always kept as a double).</summary>
public sealed class PlistReal(double value) : PlistNode
{
    public double Value { get; } = value;

    public override PlistNodeKind Kind => PlistNodeKind.Real;

    public override bool Equals(PlistNode? other) => other is PlistReal r && r.Value.Equals(Value);

    public override int GetHashCode() => Value.GetHashCode();

    public override string ToString() => Value.ToString("R", CultureInfo.InvariantCulture);
}
