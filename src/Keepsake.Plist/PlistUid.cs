namespace Keepsake.Plist;

/// <summary>
/// A UID (binary marker 0x8n): an index into an NSKeyedArchiver archive's <c>$objects</c>.
/// XML plists write it as <c>&lt;dict&gt;&lt;key&gt;CF$UID&lt;/key&gt;&lt;integer&gt;N&lt;/integer&gt;&lt;/dict&gt;</c>.
/// </summary>
public sealed class PlistUid(ulong value) : PlistNode
{
    public ulong Value { get; } = value;

    public override PlistNodeKind Kind => PlistNodeKind.Uid;

    public override bool Equals(PlistNode? other) => other is PlistUid u && u.Value == Value;

    public override int GetHashCode() => Value.GetHashCode();

    public override string ToString() => $"UID({Value})";
}
