namespace Keepsake.Export.Messages;

/// <summary>A chat (one-to-one or group), or the pseudo-conversation of messages in no chat.</summary>
public sealed record Conversation
{
    /// <summary>chat.ROWID; <see cref="OrphansId"/> for messages that belong to no chat.</summary>
    public required long Id { get; init; }

    /// <summary>The id of the pseudo-conversation holding messages in no chat.</summary>
    public const long OrphansId = -1;

    /// <summary>chat.guid (e.g. <c>iMessage;-;+15551234567</c>), when known.</summary>
    public string? Guid { get; init; }

    /// <summary>chat.chat_identifier: the peer's handle, or <c>chat…</c> for groups.</summary>
    public string? Identifier { get; init; }

    /// <summary>The user-set group name (chat.display_name), when not empty.</summary>
    public string? DisplayName { get; init; }

    /// <summary>chat.service_name (iMessage, SMS, RCS...).</summary>
    public string? Service { get; init; }

    /// <summary>Group chat (style 43, or more than one participant).</summary>
    public bool IsGroup { get; init; }

    /// <summary>The chat's row is missing (only chat_message_join names it), or this is the orphans bucket.</summary>
    public bool IsSynthetic { get; init; }

    public IReadOnlyList<Participant> Participants { get; init; } = [];

    /// <summary>What to call the conversation: group name, else participants' names, else identifier.</summary>
    public string Title
    {
        get
        {
            if (!string.IsNullOrWhiteSpace(DisplayName))
            {
                return DisplayName;
            }

            if (Participants.Count > 0)
            {
                return string.Join(", ", Participants.Select(p => p.DisplayName));
            }

            if (Id == OrphansId)
            {
                return "Messages in no conversation";
            }

            return Identifier ?? $"Chat {Id}";
        }
    }
}
