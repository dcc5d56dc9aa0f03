namespace Keepsake.Export.Messages;

/// <summary>Which messages to export. Every condition set must hold; an empty filter takes everything.</summary>
public sealed record MessageFilter
{
    /// <summary>Conversations to keep, each matched against chat ROWID, guid, identifier or display name (case-insensitive).</summary>
    public IReadOnlyList<string> Conversations { get; init; } = [];

    /// <summary>Keep conversations with a participant whose handle (phone digits / e-mail) or contact name matches.</summary>
    public string? Participant { get; init; }

    /// <summary>Keep messages sent at or after this instant.</summary>
    public DateTimeOffset? From { get; init; }

    /// <summary>Keep messages sent before this instant.</summary>
    public DateTimeOffset? To { get; init; }

    /// <summary>Whether the filter keeps <paramref name="conversation"/>.</summary>
    public bool Matches(Conversation conversation)
    {
        ArgumentNullException.ThrowIfNull(conversation);
        if (Conversations.Count > 0 && !Conversations.Any(c => MatchesConversation(conversation, c)))
        {
            return false;
        }

        if (!string.IsNullOrWhiteSpace(Participant))
        {
            var key = Contacts.PhoneNumberKey.Exact(Participant);
            var suffix = Contacts.PhoneNumberKey.Suffix(Participant);
            return conversation.Participants.Any(p =>
                (p.Name?.Contains(Participant, StringComparison.OrdinalIgnoreCase) ?? false)
                || p.Handle.Contains(Participant, StringComparison.OrdinalIgnoreCase)
                || (key is not null && Contacts.PhoneNumberKey.Exact(p.Handle) == key)
                || (suffix is not null && Contacts.PhoneNumberKey.Suffix(p.Handle) == suffix));
        }

        return true;
    }

    /// <summary>Whether the filter keeps a message sent at <paramref name="date"/> (undated messages pass only without a range).</summary>
    public bool Matches(DateTimeOffset? date)
    {
        if (From is null && To is null)
        {
            return true;
        }

        return date is { } d && (From is null || d >= From) && (To is null || d < To);
    }

    /// <summary>
    /// The entries of <see cref="Conversations"/> that name none of <paramref name="conversations"/>: a name
    /// that matches nothing is a mistake to report, not an empty export. The ID of the bucket of messages in no
    /// chat is always a known name, whether or not the database has such messages.
    /// </summary>
    public IReadOnlyList<string> Unmatched(IEnumerable<Conversation> conversations)
    {
        ArgumentNullException.ThrowIfNull(conversations);
        if (Conversations.Count == 0)
        {
            return [];
        }

        var all = conversations as IReadOnlyCollection<Conversation> ?? [.. conversations];
        var orphans = Conversation.OrphansId.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return [.. Conversations.Where(wanted => wanted != orphans && !all.Any(c => MatchesConversation(c, wanted)))];
    }

    private static bool MatchesConversation(Conversation conversation, string wanted) =>
        string.Equals(conversation.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), wanted, StringComparison.Ordinal)
        || string.Equals(conversation.Guid, wanted, StringComparison.OrdinalIgnoreCase)
        || string.Equals(conversation.Identifier, wanted, StringComparison.OrdinalIgnoreCase)
        || string.Equals(conversation.DisplayName, wanted, StringComparison.OrdinalIgnoreCase);
}
