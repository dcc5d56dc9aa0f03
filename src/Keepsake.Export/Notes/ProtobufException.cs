namespace Keepsake.Export.Notes;

/// <summary>A protobuf message is malformed (truncated varint, length past the end, unsupported wire type); carries the byte offset.</summary>
public sealed class ProtobufException : FormatException
{
    public ProtobufException(string message, long offset)
        : base($"protobuf: {message} (at byte offset {offset}).")
    {
        Offset = offset;
    }

    public long Offset { get; }
}
