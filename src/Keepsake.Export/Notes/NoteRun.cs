namespace Keepsake.Export.Notes;

/// <summary>One attribute run of a note's text (lengths in UTF-16 code units).</summary>
public sealed record NoteRun
{
    public int Start { get; init; }

    public int Length { get; init; }

    /// <summary>Paragraph style: 0 title, 1 heading, 2 subheading, 4 monospaced, 100 dotted list, 101 dashed list, 102 numbered list, 103 checklist; null = body.</summary>
    public int? ParagraphStyle { get; init; }

    /// <summary>1 bold, 2 italic, 3 bold italic.</summary>
    public int FontWeight { get; init; }

    public bool IsUnderlined { get; init; }

    public bool IsStrikethrough { get; init; }

    public string? Link { get; init; }

    public string? AttachmentIdentifier { get; init; }

    public string? AttachmentType { get; init; }

    /// <summary>Checklist item done (paragraph style 103).</summary>
    public bool IsChecked { get; init; }
}
