using System.Globalization;
using Keepsake.Repository.Backends;
using Keepsake.Repository.Snapshots;

namespace Keepsake.Repository;

public sealed partial class Repository
{
    /// <summary>Which snapshots <paramref name="policy"/> keeps and removes (pure; nothing is deleted).</summary>
    public static ForgetResult ApplyPolicy(IEnumerable<Snapshot> snapshots, RetentionPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(snapshots);
        ArgumentNullException.ThrowIfNull(policy);
        var kept = new List<Snapshot>();
        var removed = new List<Snapshot>();
        foreach (var group in snapshots.GroupBy(s => (s.Hostname ?? string.Empty) + "\0" + string.Join('\0', s.Paths.Order(StringComparer.Ordinal))))
        {
            var list = group.OrderByDescending(s => s.Time).ThenByDescending(s => s.Id).ToList();
            if (policy.IsEmpty)
            {
                kept.AddRange(list);
                continue;
            }

            var rules = new List<Rule>
            {
                new(policy.Last, (_, i) => i),
                new(policy.Hourly, (t, _) => (t.Year * 1_000_000L) + (t.Month * 10_000L) + (t.Day * 100L) + t.Hour),
                new(policy.Daily, (t, _) => (t.Year * 10_000L) + (t.Month * 100L) + t.Day),
                new(policy.Weekly, (t, _) => (ISOWeek.GetYear(t.DateTime) * 100L) + ISOWeek.GetWeekOfYear(t.DateTime)),
                new(policy.Monthly, (t, _) => (t.Year * 100L) + t.Month),
                new(policy.Yearly, (t, _) => t.Year),
            };
            // As restic: "within" counts back from the newest snapshot that is not in the future; when
            // every snapshot is in the future there is none, and restic's cutoff is the year 1 (all kept).
            var now = DateTimeOffset.Now;
            var latest = list.Where(s => s.Time < now).Select(s => (DateTimeOffset?)s.Time).FirstOrDefault();
            DateTimeOffset? cutoff = policy.Within is { IsZero: false } span && latest is { } l ? span.SubtractFrom(l) : null;
            for (var i = 0; i < list.Count; i++)
            {
                var s = list[i];
                var keep = policy.Tags.Count > 0 && s.Tags.Any(t => policy.Tags.Contains(t, StringComparer.Ordinal));
                if (policy.Within is { IsZero: false } && (cutoff is null || s.Time > cutoff))
                {
                    keep = true;
                }

                foreach (var rule in rules)
                {
                    if (rule.Remaining <= 0)
                    {
                        continue;
                    }

                    var bucket = rule.Bucket(s.Time, i);
                    if (bucket != rule.LastBucket)
                    {
                        keep = true;
                        rule.LastBucket = bucket;
                        rule.Remaining--;
                    }
                }

                (keep ? kept : removed).Add(s);
            }
        }

        return new ForgetResult(kept, removed);
    }

    /// <summary>
    /// Removes the snapshots <paramref name="policy"/> does not keep (under an exclusive lock). The
    /// data stays until <see cref="PruneAsync(CancellationToken)"/>.
    /// </summary>
    public async Task<ForgetResult> ForgetAsync(RetentionPolicy policy, bool dryRun = false, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(policy);
        await using var repoLock = (await LockAsync(exclusive: true, cancellationToken).ConfigureAwait(false)).ConfigureAwait(false);
        var result = ApplyPolicy(await ListSnapshotsAsync(cancellationToken).ConfigureAwait(false), policy);
        if (!dryRun)
        {
            foreach (var s in result.Removed)
            {
                await Backend.RemoveAsync(FileType.Snapshot, s.Id.ToString(), cancellationToken).ConfigureAwait(false);
            }
        }

        return result;
    }

    /// <summary>Removes one snapshot (under an exclusive lock).</summary>
    public async Task RemoveSnapshotAsync(ObjectId snapshotId, CancellationToken cancellationToken = default)
    {
        await using var repoLock = (await LockAsync(exclusive: true, cancellationToken).ConfigureAwait(false)).ConfigureAwait(false);
        await Backend.RemoveAsync(FileType.Snapshot, snapshotId.ToString(), cancellationToken).ConfigureAwait(false);
    }

    private sealed class Rule(int count, Func<DateTimeOffset, int, long> bucket)
    {
        public int Remaining { get; set; } = count;

        public Func<DateTimeOffset, int, long> Bucket { get; } = bucket;

        public long LastBucket { get; set; } = long.MinValue;
    }
}
