namespace Keepsake.Export;

/// <summary>The outcome of <see cref="ExportRunner"/>: what was exported, where, and the counts by name (e.g. "messages", "conversations", "attachments").</summary>
public sealed record ExportResult(ExportKind Kind, string Destination, IReadOnlyDictionary<string, long> Counts);
