namespace Keepsake.Export;

/// <summary>One exported item in an <see cref="ExportManifest"/>: its file, its highest source row id and its entry count.</summary>
public sealed record ExportManifestItem(string File, long LastRowId, long Count);
