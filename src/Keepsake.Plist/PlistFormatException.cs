namespace Keepsake.Plist;

/// <summary>
/// A property list (or an NSKeyedArchiver archive inside one) is corrupt, truncated or hostile.
/// <see cref="Offset"/> is the byte offset in the input where the problem was found
/// (-1 when it has no position, e.g. a reference cycle in an archive's object graph).
/// </summary>
public sealed class PlistFormatException : FormatException
{
    public PlistFormatException(string message, long offset)
        : base(offset >= 0 ? $"{message} (at byte offset {offset})" : message)
    {
        Offset = offset;
    }

    public PlistFormatException(string message, long offset, Exception innerException)
        : base(offset >= 0 ? $"{message} (at byte offset {offset})" : message, innerException)
    {
        Offset = offset;
    }

    /// <summary>Byte offset of the problem in the input, or -1.</summary>
    public long Offset { get; }
}
