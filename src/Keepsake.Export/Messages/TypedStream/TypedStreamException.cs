namespace Keepsake.Export.Messages.TypedStream;

/// <summary>
/// A typedstream (NSArchiver) blob is malformed: a bad header, an unknown tag, a length that runs
/// past the end, a reference to an object or string that does not exist, or nesting too deep.
/// <see cref="Offset"/> is the byte offset (from the start of the blob) where decoding stopped.
/// See docs/design/exporters.md, "typedstream".
/// </summary>
public sealed class TypedStreamException : FormatException
{
    public TypedStreamException(string message, long offset)
        : base($"typedstream: {message} (at byte offset {offset}).")
    {
        Offset = offset;
    }

    /// <summary>Byte offset in the blob where the problem was found.</summary>
    public long Offset { get; }
}
