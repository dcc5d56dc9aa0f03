namespace Keepsake.Export.Storage;

/// <summary>One line of a storage report: a name (domain, app or file) and its size in bytes, with a file count.</summary>
public sealed record StorageItem(string Name, long Bytes, long Files, DateTimeOffset? Date = null, string? Detail = null);
