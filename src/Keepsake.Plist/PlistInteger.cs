using System.Globalization;

namespace Keepsake.Plist;

/// <summary>
/// An integer. Binary plists hold 1-, 2-, 4- and 8-byte integers (8-byte ones signed) and,
/// on read, 16-byte ones; <see cref="Value"/> is wide enough for all of them, including
/// unsigned 64-bit values that Apple writes as 16-byte integers.
/// </summary>
public sealed class PlistInteger(Int128 value) : PlistNode
{
    public Int128 Value { get; } = value;

    public override PlistNodeKind Kind => PlistNodeKind.Integer;

    /// <summary>The value as a signed 64-bit integer; throws <see cref="OverflowException"/> if it does not fit.</summary>
    public long ToInt64() => checked((long)Value);

    /// <summary>The value as an unsigned 64-bit integer; throws <see cref="OverflowException"/> if it does not fit.</summary>
    public ulong ToUInt64() => checked((ulong)Value);

    public override bool Equals(PlistNode? other) => other is PlistInteger i && i.Value == Value;

    public override int GetHashCode() => Value.GetHashCode();

    public override string ToString() => Value.ToString(CultureInfo.InvariantCulture);
}
