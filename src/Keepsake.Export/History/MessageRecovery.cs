using Keepsake.BackupFormat;

namespace Keepsake.Export.History;

/// <summary>
/// Finds the messages of one phone that an older backup holds and the latest one does not, each with the
/// last snapshot that held it, plus those the latest backup holds in iOS's Recently Deleted. Each older
/// backup is compared with the latest by <see cref="BackupDataDiff"/>'s side-by-side read, so only the
/// messages found are held in memory.
/// </summary>
public static class MessageRecovery
{
    /// <summary>
    /// Compares <paramref name="older"/> (the phone's earlier snapshots, any order; each opened when its turn
    /// comes and disposed after) with <paramref name="latest"/>. A message held by several older snapshots is
    /// given once, from the newest of them. <paramref name="since"/> keeps messages dated at or after it.
    /// Sorted by conversation, then date.
    /// </summary>
    public static async Task<IReadOnlyList<RecoveredMessage>> FindAsync(
        IBackupFileSource latest,
        string latestSnapshot,
        IEnumerable<(string SnapshotId, DateTimeOffset Time, Func<IBackupFileSource> Open)> older,
        DateTimeOffset? since = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(latest);
        ArgumentException.ThrowIfNullOrEmpty(latestSnapshot);
        ArgumentNullException.ThrowIfNull(older);
        var found = new Dictionary<string, RecoveredMessage>(StringComparer.Ordinal);
        using var after = await DataItemReader.OpenAsync(latest, DataKind.Messages, cancellationToken).ConfigureAwait(false);
        foreach (var item in after?.ReadItems(cancellationToken) ?? [])
        {
            if (item.Fields.GetValueOrDefault("recentlyDeleted") == "yes" && Keep(item, since))
            {
                found[item.Id] = new RecoveredMessage(item, latestSnapshot, InRecentlyDeleted: true);
            }
        }

        foreach (var (snapshotId, _, open) in older.OrderByDescending(o => o.Time))
        {
            using var source = open();
            using var before = await DataItemReader.OpenAsync(source, DataKind.Messages, cancellationToken).ConfigureAwait(false);
            if (before is null)
            {
                continue;
            }

            var changes = BackupDataDiff.Compare(DataKind.Messages, before.ReadItems(cancellationToken), after?.ReadItems(cancellationToken));
            foreach (var item in changes.Deleted)
            {
                if (Keep(item, since) && !found.ContainsKey(item.Id))
                {
                    found[item.Id] = new RecoveredMessage(item, snapshotId, InRecentlyDeleted: false);
                }
            }
        }

        return [.. found.Values
            .OrderBy(m => m.Message.Title, StringComparer.Ordinal)
            .ThenBy(m => m.Message.Date ?? DateTimeOffset.MinValue)
            .ThenBy(m => m.Message.Id, StringComparer.Ordinal)];
    }

    private static bool Keep(DataItem item, DateTimeOffset? since) => since is not { } from || (item.Date is { } date && date >= from);
}
