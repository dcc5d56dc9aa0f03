namespace Keepsake.Export.History;

/// <summary>What <see cref="SearchIndex.Search"/> looks for.</summary>
/// <param name="Text">Words that must all occur (case and diacritics ignored), or a substring (CJK, or words not found whole).</param>
public sealed record SearchQuery(string Text)
{
    /// <summary>Only items of this kind.</summary>
    public DataKind? Kind { get; init; }

    /// <summary>Only items dated at or after this instant.</summary>
    public DateTimeOffset? From { get; init; }

    /// <summary>Only items dated before this instant.</summary>
    public DateTimeOffset? To { get; init; }

    /// <summary>Only items of this device (its UDID).</summary>
    public string? Device { get; init; }

    /// <summary>The most hits returned.</summary>
    public int Limit { get; init; } = 50;
}
