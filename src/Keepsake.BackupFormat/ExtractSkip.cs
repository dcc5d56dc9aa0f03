namespace Keepsake.BackupFormat;

/// <summary>An entry that extraction did not write, and why ("domain/relativePath").</summary>
public sealed record ExtractSkip(string Entry, string Reason)
{
    /// <inheritdoc />
    public override string ToString() => $"{Entry}: {Reason}";
}
