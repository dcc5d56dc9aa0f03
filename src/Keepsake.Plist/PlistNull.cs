namespace Keepsake.Plist;

/// <summary>
/// The binary plist null object (marker 0x00). Apple's writers never emit it, but the format
/// defines it, so the reader accepts it. XML plists have no null; <see cref="PlistWriter.ToXml"/> rejects it.
/// </summary>
public sealed class PlistNull : PlistNode
{
    /// <summary>The one instance.</summary>
    public static readonly PlistNull Instance = new();

    private PlistNull()
    {
    }

    public override PlistNodeKind Kind => PlistNodeKind.Null;

    public override bool Equals(PlistNode? other) => other is PlistNull;

    public override int GetHashCode() => 0x0BAD;

    public override string ToString() => "null";
}
