namespace Keepsake.Export;

/// <summary>Progress of an export: items done of an estimated total (null when unknown), and what is being worked on.</summary>
public sealed record ExportProgress(string Phase, long Done, long? Total, string? Item = null);
