namespace Keepsake.Export.Messages;

/// <summary>The message a reply answers (thread_originator_guid / thread_originator_part).</summary>
public sealed record ReplyReference(string Guid, int? Part, string? Snippet);
