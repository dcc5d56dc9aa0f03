namespace Keepsake.Export.Photos;

/// <summary>What the photos export wrote: assets listed, files copied, files missing from the backup.</summary>
public sealed record PhotosExportResult(long Assets, int Copied, int Missing);
