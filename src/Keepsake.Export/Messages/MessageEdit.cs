namespace Keepsake.Export.Messages;

/// <summary>The history of one edited body part: each version with its time, oldest first (the last is current).</summary>
public sealed record MessageEdit(int Part, IReadOnlyList<EditedVersion> Versions);
