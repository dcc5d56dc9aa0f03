using Keepsake.BackupFormat;
using Keepsake.Primitives;
using Keepsake.Repository.Snapshots;
using Keepsake.Engine.Vault;

namespace Keepsake.Engine.History;

/// <summary>
/// The difference between two snapshots of a phone in the phone's terms: domain and path from each backup's
/// Manifest (so it works for encrypted backups, given their password), sizes, and a summary by category.
/// Whether a file kept in both changed is decided by its content in the vault (the snapshot trees' blob lists),
/// so a file rewritten with the same bytes is not reported.
/// </summary>
public sealed class BackupFileDiff
{
    private BackupFileDiff(IReadOnlyList<BackupFileChange> changes)
    {
        Changes = changes;
        Summary = [.. changes
            .GroupBy(c => c.Category)
            .OrderBy(g => g.Key)
            .Select(g => new BackupCategoryChanges(
                g.Key,
                g.Count(c => c.Kind == BackupChangeKind.Added),
                g.Where(c => c.Kind == BackupChangeKind.Added).Sum(c => c.Size),
                g.Count(c => c.Kind == BackupChangeKind.Removed),
                g.Where(c => c.Kind == BackupChangeKind.Removed).Sum(c => c.Size),
                g.Count(c => c.Kind == BackupChangeKind.Changed),
                g.Where(c => c.Kind == BackupChangeKind.Changed).Sum(c => c.Size)))];
    }

    /// <summary>Every changed file, sorted by domain then path.</summary>
    public IReadOnlyList<BackupFileChange> Changes { get; }

    /// <summary>The counts per category, in <see cref="BackupCategory"/> order; categories without changes are left out.</summary>
    public IReadOnlyList<BackupCategoryChanges> Summary { get; }

    /// <summary>
    /// Compares the Apple backups held in <paramref name="from"/> and <paramref name="to"/>.
    /// <paramref name="backupPassword"/> opens them when they are encrypted (the same phone keeps one password;
    /// the older snapshot is tried with it too).
    /// </summary>
    public static async Task<BackupFileDiff> CompareAsync(Repository.Repository repository, Snapshot from, Snapshot to, Secret? backupPassword = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(repository);
        ArgumentNullException.ThrowIfNull(from);
        ArgumentNullException.ThrowIfNull(to);
        var contentChanged = new HashSet<string>(StringComparer.Ordinal);
        foreach (var change in await repository.DiffAsync(from, to, cancellationToken).ConfigureAwait(false))
        {
            if (change.Modifier.Contains('M', StringComparison.Ordinal))
            {
                contentChanged.Add(change.Path[(change.Path.LastIndexOf('/') + 1)..]);
            }
        }

        using var older = Open(repository, from, backupPassword);
        using var newer = Open(repository, to, backupPassword);
        return Compare(older, newer, contentChanged, cancellationToken);
    }

    /// <summary>
    /// Compares two backups entry by entry. <paramref name="contentChanged"/> holds the file IDs whose stored
    /// content differs; a file with the same ID, domain, path and size that is not in it is unchanged.
    /// </summary>
    public static BackupFileDiff Compare(IBackupFileSource from, IBackupFileSource to, IReadOnlySet<string> contentChanged, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(from);
        ArgumentNullException.ThrowIfNull(to);
        ArgumentNullException.ThrowIfNull(contentChanged);
        var before = new Dictionary<string, BackupEntry>(StringComparer.Ordinal);
        foreach (var entry in from.Entries())
        {
            if (entry.Kind != BackupEntryKind.Directory)
            {
                before[entry.FileId] = entry;
            }
        }

        var changes = new List<BackupFileChange>();
        foreach (var entry in to.Entries())
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (entry.Kind == BackupEntryKind.Directory)
            {
                continue;
            }

            var category = BackupCategories.Of(entry.Domain, entry.RelativePath);
            if (!before.Remove(entry.FileId, out var old))
            {
                changes.Add(new BackupFileChange(BackupChangeKind.Added, entry.Domain, entry.RelativePath, category, entry.Size, 0));
            }
            else if (old.Size != entry.Size || old.Kind != entry.Kind || old.SymlinkTarget != entry.SymlinkTarget || contentChanged.Contains(entry.FileId))
            {
                changes.Add(new BackupFileChange(BackupChangeKind.Changed, entry.Domain, entry.RelativePath, category, entry.Size, old.Size));
            }
        }

        foreach (var old in before.Values)
        {
            changes.Add(new BackupFileChange(BackupChangeKind.Removed, old.Domain, old.RelativePath, BackupCategories.Of(old.Domain, old.RelativePath), old.Size, 0));
        }

        changes.Sort((a, b) =>
        {
            var byDomain = string.CompareOrdinal(a.Domain, b.Domain);
            return byDomain != 0 ? byDomain : string.CompareOrdinal(a.RelativePath, b.RelativePath);
        });
        return new BackupFileDiff(changes);
    }

    private static IBackupFileSource Open(Repository.Repository repository, Snapshot snapshot, Secret? password) =>
        SnapshotBackupSource.ReadProperties(repository, snapshot).IsEncrypted
            ? SnapshotBackupSource.Open(repository, snapshot, password ?? throw new BackupFormatException(BackupFormatError.PasswordRequired, null, $"snapshot {snapshot.Id.ToString()[..8]} holds an encrypted backup: its password is needed to compare it by the phone's paths."))
            : SnapshotBackupSource.Open(repository, snapshot);
}
