namespace Keepsake.Device.Simulator.Phone.Generated;

/// <summary>
/// A message row (message ROWID = <see cref="Id"/>). <see cref="SenderContactId"/> is null when sent by
/// the phone's owner. A tapback has <see cref="TapbackOn"/> (the target's GUID) and
/// <see cref="TapbackType"/> (2000 loved … 2005 questioned); a reply has <see cref="ReplyTo"/>; an edited
/// message keeps its first text in <see cref="EditedFrom"/>; an unsent one has <see cref="Unsent"/> and no text.
/// </summary>
public sealed record GeneratedMessage(long Id, string Guid, long ConversationId, long? SenderContactId, DateTimeOffset Date, string Service, string Text)
{
    public GeneratedAttachment? Attachment { get; init; }

    public string? TapbackOn { get; init; }

    public int TapbackType { get; init; }

    public string? ReplyTo { get; init; }

    public string? EditedFrom { get; init; }

    public bool Unsent { get; init; }
}
