namespace Keepsake.Web.Data;

/// <summary>A message present in one snapshot and not the other (matched by its GUID).</summary>
public sealed record MessageChange(string Guid, string Conversation, string Sender, DateTimeOffset? Date, string Text);
