namespace Keepsake.Export;

/// <summary>
/// The backup holds none of the data asked for (no WhatsApp, no voicemail, no photos at all): nothing
/// is wrong with it, there is just nothing of that kind to export. <see cref="Source"/> names the file
/// that would have held it.
/// </summary>
public sealed class NoDataException : IOException
{
    public NoDataException(ExportKind kind, string what, string source)
        : base($"this backup holds no {what} data ({source} is not in it).")
    {
        Kind = kind;
        Source = source;
    }

    public ExportKind Kind { get; }

    /// <summary>The domain and path of the file that would hold the data.</summary>
    public new string Source { get; }
}
