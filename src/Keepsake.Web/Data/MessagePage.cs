using Keepsake.Export.Messages;

namespace Keepsake.Web.Data;

/// <summary>One page of a conversation, in date order: <see cref="Page"/> of <see cref="Pages"/> (1 is the oldest).</summary>
public sealed record MessagePage(ConversationSummary Conversation, int Page, int Pages, IReadOnlyList<Message> Messages);
