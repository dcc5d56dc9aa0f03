namespace Keepsake.Export.Messages;

/// <summary>A reaction attached to a message (its own row in sms.db, pointing at the target).</summary>
public sealed record Tapback
{
    public required long RowId { get; init; }

    public required TapbackKind Kind { get; init; }

    /// <summary>A 3000-range row: the reaction was taken back.</summary>
    public bool IsRemoved { get; init; }

    /// <summary>A 1000 row: a sticker placed on the message.</summary>
    public bool IsStickerPlacement { get; init; }

    /// <summary>Custom emoji (iOS 18, kind <see cref="TapbackKind.Emoji"/>).</summary>
    public string? Emoji { get; init; }

    public required Participant Sender { get; init; }

    public bool IsFromMe { get; init; }

    public DateTimeOffset? Date { get; init; }

    /// <summary>The body part reacted to (<c>p:N/</c>), if given.</summary>
    public int? Part { get; init; }

    /// <summary>A short description, e.g. "Loved" or "Removed a like".</summary>
    public string Describe()
    {
        var what = IsStickerPlacement ? "Sticker" : Kind switch
        {
            TapbackKind.Loved => "Loved",
            TapbackKind.Liked => "Liked",
            TapbackKind.Disliked => "Disliked",
            TapbackKind.Laughed => "Laughed at",
            TapbackKind.Emphasized => "Emphasized",
            TapbackKind.Questioned => "Questioned",
            TapbackKind.Emoji => $"Reacted {Emoji}",
            _ => "Sticker",
        };
        return IsRemoved ? $"Removed: {what}" : what;
    }
}
