namespace Keepsake.Plist;

/// <summary>
/// Limits that keep <see cref="PlistReader"/> safe on hostile input. The defaults accept every
/// plist a device or a backup produces.
/// </summary>
public sealed class PlistReaderOptions
{
    /// <summary>The shared default options.</summary>
    public static PlistReaderOptions Default { get; } = new();

    /// <summary>Largest input accepted, in bytes (default 64 MiB). Larger input raises <see cref="PlistFormatException"/>.</summary>
    public long MaxInputBytes
    {
        get;
        init
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(value);
            ArgumentOutOfRangeException.ThrowIfGreaterThan(value, (long)Array.MaxLength);
            field = value;
        }
    } = 64L * 1024 * 1024;

    /// <summary>
    /// Most objects a binary plist may declare, and most XML elements read (default 16 Mi).
    /// Independently, the binary reader stops when the container elements it materialises exceed the
    /// input length plus 1,024 (a container referenced from many places counts each time), so a small
    /// file cannot expand into a huge tree; scalars referenced many times are shared and cost nothing.
    /// </summary>
    public int MaxObjectCount
    {
        get;
        init
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(value);
            field = value;
        }
    } = 16 * 1024 * 1024;

    /// <summary>Deepest nesting of arrays and dictionaries (default 512, at most 4,096; the reader also stops before the thread's stack runs out).</summary>
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
}
