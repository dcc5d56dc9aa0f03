namespace Keepsake.BackupFormat;

/// <summary>An entry that extraction did not write, and why ("domain/relativePath").</summary>
public sealed record ExtractSkip(string Entry, string Reason)
{
    /// <summary>The category of <see cref="Reason"/>.</summary>
    public ExtractSkipKind Kind { get; init; } = ExtractSkipKind.UnsafePath;

    /// <inheritdoc />
    public override string ToString() => $"{Entry}: {Reason}";
}
