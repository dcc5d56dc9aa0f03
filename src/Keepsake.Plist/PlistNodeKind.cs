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

    /// <summary>The binary plist null object (marker 0x00); XML plists cannot hold it.</summary>
    Null,
}
