namespace Keepsake.Plist;

/// <summary>Limits for <see cref="KeyedArchive.Decode(PlistNode, KeyedArchiveOptions)"/>.</summary>
public sealed class KeyedArchiveOptions
{
    /// <summary>The shared default options.</summary>
    public static KeyedArchiveOptions Default { get; } = new();

    /// <summary>Deepest chain of object references followed (default 512).</summary>
    public int MaxDepth
    {
        get;
        init
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(value);
            ArgumentOutOfRangeException.ThrowIfGreaterThan(value, 4096);
            field = value;
        }
    } = 512;

    /// <summary>Most objects materialised while decoding one archive (default 4 Mi).</summary>
    public int MaxObjects
    {
        get;
        init
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(value);
            field = value;
        }
    } = 4 * 1024 * 1024;
}
