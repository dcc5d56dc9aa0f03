namespace Keepsake.Export.Messages;

/// <summary>One version of an edited body part.</summary>
public sealed record EditedVersion(DateTimeOffset? Date, string Text);
