namespace Keepsake.Export;

/// <summary>
/// An export cannot proceed because of what it found in the source: the database is missing from
/// the backup, is not a database of the expected kind, or lacks a table every version has.
/// <see cref="Source"/> names the file (a backup domain and path, or a file path).
/// </summary>
public sealed class ExportException : IOException
{
    public ExportException(string message, string? source = null, Exception? innerException = null)
        : base(source is null ? message : $"{source}: {message}", innerException)
    {
        Source = source;
    }

    /// <summary>The database or file the problem is about, when known.</summary>
    public new string? Source { get; }
}
