namespace Keepsake.BackupFormat;

/// <summary>
/// The seam every reader of backup contents uses (info, ls, extract, the exporters): a set of
/// Manifest entries and their plaintext contents. Two implementations exist: a backup folder on
/// disk (<c>BackupFolder</c>, plain or encrypted) and a snapshot in the vault (in Keepsake.Engine),
/// which reads without restoring to disk first.
/// </summary>
/// <remarks>
/// Contract, for every implementation:
/// <list type="bullet">
/// <item><see cref="Entries"/> enumerates each Manifest row once, in a stable order (domain, then
/// relative path, ordinal). It streams: it never loads the whole Manifest into memory.</item>
/// <item><see cref="FindEntry"/> matches domain and relative path exactly (ordinal) and, failing
/// that, after Unicode NFC normalisation of both; it returns null when there is no such row.</item>
/// <item><see cref="OpenRead"/> returns the plaintext (decrypted, padding removed; never
/// truncated to <see cref="BackupEntry.Size"/>) as a forward-only stream that the caller disposes.
/// It throws <see cref="BackupFormatException"/> with <see cref="BackupFormatError.MissingBlob"/>
/// when the content is absent, and with <see cref="BackupFormatError.CorruptBlob"/> when it cannot be
/// decrypted. A regular file of size 0 without a blob reads as empty.</item>
/// <item>Implementations are safe for concurrent <see cref="OpenRead"/> calls.</item>
/// </list>
/// </remarks>
public interface IBackupFileSource : IDisposable
{
    /// <summary>Device and backup facts from Info.plist, Manifest.plist and Status.plist.</summary>
    BackupProperties Properties { get; }

    /// <summary>Every entry, optionally only those of <paramref name="domain"/> whose relative path starts with <paramref name="pathPrefix"/>.</summary>
    IEnumerable<BackupEntry> Entries(string? domain = null, string? pathPrefix = null);

    /// <summary>The entry at <paramref name="domain"/>/<paramref name="relativePath"/>, or null.</summary>
    BackupEntry? FindEntry(string domain, string relativePath);

    /// <summary>The plaintext content of a regular file.</summary>
    Stream OpenRead(BackupEntry entry);

    /// <summary>
    /// Manifest rows that <see cref="Entries"/> has skipped so far because their record cannot be
    /// decoded, once each, each naming its entry and row. One bad row costs only itself: callers that
    /// enumerate report these and finish with "completed with problems".
    /// </summary>
    IReadOnlyCollection<BackupFormatException> UnreadableEntries => [];
}
