namespace Keepsake.Repository;

/// <summary>What a restore wrote.</summary>
public sealed record RestoreResult(long Files, long Directories, long Bytes, IReadOnlyList<string> Errors);
