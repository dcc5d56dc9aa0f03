namespace Keepsake.Repository;

/// <summary>
/// How far a long vault operation (restore, check --read-data, copy, prune) has come: <see cref="Items"/>
/// of <see cref="TotalItems"/> (files, packs or snapshots, as <see cref="Unit"/> says) and <see cref="Bytes"/> of
/// <see cref="TotalBytes"/> when known. Reported from worker threads; the reporter must be thread-safe.
/// </summary>
public readonly record struct WorkProgress(string Phase, string Unit, long Items, long? TotalItems, long Bytes, long? TotalBytes);
