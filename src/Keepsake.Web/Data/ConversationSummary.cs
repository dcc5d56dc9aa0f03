using Keepsake.Export.Messages;

namespace Keepsake.Web.Data;

/// <summary>A conversation as the list shows it: its title (names from the contacts), how many messages, the last one's date.</summary>
public sealed record ConversationSummary(Conversation Conversation, long MessageCount, DateTimeOffset? LastDate);
