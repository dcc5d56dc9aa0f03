using Keepsake.Export.Messages.TypedStream;

namespace Keepsake.Export.Messages;

/// <summary>One message as exported: its text (from <c>text</c> or the decoded attributedBody), sender, dates, reactions, attachments, edits.</summary>
public sealed class Message
{
    public required long RowId { get; init; }

    public required string Guid { get; init; }

    public required long ConversationId { get; init; }

    public DateTimeOffset? Date { get; init; }

    public DateTimeOffset? DateRead { get; init; }

    public DateTimeOffset? DateDelivered { get; init; }

    public DateTimeOffset? DateEdited { get; init; }

    public DateTimeOffset? DateRetracted { get; init; }

    public bool IsFromMe { get; init; }

    /// <summary>The sender; for own messages the owner's address (destination_caller_id) or "Me".</summary>
    public required Participant Sender { get; init; }

    /// <summary>iMessage, SMS, RCS...</summary>
    public string? Service { get; init; }

    /// <summary>The body text; attachment placeholders (U+FFFC) removed. Empty when there is none.</summary>
    public string Text { get; init; } = string.Empty;

    public string? Subject { get; init; }

    /// <summary>The decoded attributedBody, when there was one and it decoded.</summary>
    public AttributedBody? Body { get; init; }

    /// <summary>Why the body could not be decoded (the text column was used instead).</summary>
    public string? BodyDiagnostic { get; init; }

    public IReadOnlyList<MessageAttachment> Attachments { get; init; } = [];

    public IReadOnlyList<Tapback> Tapbacks { get; init; } = [];

    public ReplyReference? ReplyTo { get; init; }

    /// <summary>Number of replies in the thread this message started.</summary>
    public int ReplyCount { get; init; }

    public IReadOnlyList<MessageEdit> Edits { get; init; } = [];

    /// <summary>Body parts that were unsent (message_summary_info <c>rp</c>).</summary>
    public IReadOnlyList<int> UnsentParts { get; init; } = [];

    /// <summary>Every part was unsent (or date_retracted is set and no text is left).</summary>
    public bool IsUnsent { get; init; }

    /// <summary>Listed in chat_recoverable_message_join ("Recently Deleted").</summary>
    public bool IsRecentlyDeleted { get; init; }

    /// <summary>A system event (item_type ≠ 0): its description, e.g. "Alice named the conversation “Trip”".</summary>
    public string? SystemEvent { get; init; }

    /// <summary>Screen or bubble effect (expressive_send_style_id).</summary>
    public string? Effect { get; init; }

    /// <summary>App balloon bundle id (Apple Pay, polls, games...).</summary>
    public string? BalloonBundleId { get; init; }

    public bool IsAudioMessage { get; init; }

    /// <summary>A tapback whose target is not in the export (kept so that no row is lost).</summary>
    public Tapback? OrphanTapback { get; init; }
}
