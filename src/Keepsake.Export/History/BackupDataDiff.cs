using Keepsake.BackupFormat;

namespace Keepsake.Export.History;

/// <summary>
/// The difference between two backups of a phone item by item: messages added and deleted (matched by GUID),
/// contacts added, removed and changed (which fields), photos, calls and notes. Each kind's database is
/// copied out of each backup and the two are read side by side in id order, so neither is held in memory.
/// To compare two vault snapshots, open each with <c>Keepsake.Engine.Vault.SnapshotBackupSource.Open</c>.
/// </summary>
public sealed class BackupDataDiff
{
    private BackupDataDiff(IReadOnlyList<DataKindChanges> kinds) => Kinds = kinds;

    /// <summary>Every kind compared, in the order asked for.</summary>
    public IReadOnlyList<DataKindChanges> Kinds { get; }

    /// <summary>The kinds compared when none is named: all of them.</summary>
    public static IReadOnlyList<DataKind> AllKinds { get; } = Enum.GetValues<DataKind>();

    /// <summary>Compares <paramref name="older"/> with <paramref name="newer"/> for each of <paramref name="kinds"/> (default: all).</summary>
    /// <exception cref="ExportException">A database is not readable.</exception>
    public static async Task<BackupDataDiff> CompareAsync(IBackupFileSource older, IBackupFileSource newer, IEnumerable<DataKind>? kinds = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(older);
        ArgumentNullException.ThrowIfNull(newer);
        var result = new List<DataKindChanges>();
        foreach (var kind in (kinds ?? AllKinds).Distinct())
        {
            using var before = await DataItemReader.OpenAsync(older, kind, cancellationToken).ConfigureAwait(false);
            using var after = await DataItemReader.OpenAsync(newer, kind, cancellationToken).ConfigureAwait(false);
            result.Add(Compare(kind, before?.ReadItems(cancellationToken), after?.ReadItems(cancellationToken)));
        }

        return new BackupDataDiff(result);
    }

    /// <summary>
    /// Merges two item streams, each sorted by <see cref="DataItemReader.CompareIds"/>: items only in
    /// <paramref name="after"/> are added, only in <paramref name="before"/> deleted, in both with other
    /// <see cref="DataItem.Fields"/> changed. A null stream is a backup without the kind's database.
    /// </summary>
    public static DataKindChanges Compare(DataKind kind, IEnumerable<DataItem>? before, IEnumerable<DataItem>? after)
    {
        var added = new List<DataItem>();
        var deleted = new List<DataItem>();
        var changed = new List<DataItemChange>();
        using var a = (before ?? []).GetEnumerator();
        using var b = (after ?? []).GetEnumerator();
        var hasA = a.MoveNext();
        var hasB = b.MoveNext();
        while (hasA || hasB)
        {
            var order = !hasA ? 1 : !hasB ? -1 : DataItemReader.CompareIds(a.Current.Id, b.Current.Id);
            if (order < 0)
            {
                deleted.Add(a.Current);
                hasA = a.MoveNext();
            }
            else if (order > 0)
            {
                added.Add(b.Current);
                hasB = b.MoveNext();
            }
            else
            {
                var fields = ChangedFields(a.Current, b.Current);
                if (fields.Count > 0)
                {
                    changed.Add(new DataItemChange(b.Current, a.Current, fields));
                }

                hasA = a.MoveNext();
                hasB = b.MoveNext();
            }
        }

        return new DataKindChanges(kind, before is not null, after is not null, added, deleted, changed);
    }

    private static List<string> ChangedFields(DataItem before, DataItem after)
    {
        var names = new SortedSet<string>(before.Fields.Keys, StringComparer.Ordinal);
        names.UnionWith(after.Fields.Keys);
        return [.. names.Where(n => !string.Equals(before.Fields.GetValueOrDefault(n), after.Fields.GetValueOrDefault(n), StringComparison.Ordinal))];
    }
}
