namespace Keepsake.Plist;

/// <summary>The kinds of plist values.</summary>
public enum PlistNodeKind
{
    Dictionary,
    Array,
    String,
    Integer,
    Real,
    Boolean,
    Date,
    Data,
    Uid,
}
