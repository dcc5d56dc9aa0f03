using Keepsake.Repository;
using Keepsake.Repository.Snapshots;
using Keepsake.Repository.Trees;

namespace Keepsake.Engine.DeviceBackup;

/// <summary>
/// What changed in a phone's files between two snapshots of its backup: files and bytes added,
/// changed (counted at their new size) and removed. Only the phone's files count: folders and the
/// backup's bookkeeping (Info/Manifest/Status), which change on every run, are left out.
/// </summary>
public sealed record BackupChangeSummary(long AddedFiles, long AddedBytes, long ChangedFiles, long ChangedBytes, long RemovedFiles, long RemovedBytes)
{
    private static readonly HashSet<string> BookkeepingFiles = new(StringComparer.Ordinal)
    {
        "Info.plist", "Manifest.plist", "Manifest.db", "Manifest.mbdb", "Status.plist",
    };

    /// <summary>Sums the sizes behind <paramref name="changes"/> (the diff of <paramref name="from"/> to <paramref name="to"/>), reading each snapshot's tree once.</summary>
    public static async Task<BackupChangeSummary> ComputeAsync(Repository.Repository repository, Snapshot from, Snapshot to, IReadOnlyList<SnapshotChange> changes, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(repository);
        ArgumentNullException.ThrowIfNull(from);
        ArgumentNullException.ThrowIfNull(to);
        ArgumentNullException.ThrowIfNull(changes);
        var files = changes.Where(c => !c.Path.EndsWith('/') && !BookkeepingFiles.Contains(c.Path[(c.Path.LastIndexOf('/') + 1)..])).ToList();
        var inNew = files.Where(c => c.Modifier != "-").Select(c => c.Path).ToHashSet(StringComparer.Ordinal);
        var inOld = files.Where(c => c.Modifier == "-").Select(c => c.Path).ToHashSet(StringComparer.Ordinal);
        var newSizes = await SizesAsync(repository, to, inNew, cancellationToken).ConfigureAwait(false);
        var oldSizes = await SizesAsync(repository, from, inOld, cancellationToken).ConfigureAwait(false);
        long addedFiles = 0, addedBytes = 0, changedFiles = 0, changedBytes = 0, removedFiles = 0, removedBytes = 0;
        foreach (var change in files)
        {
            switch (change.Modifier)
            {
                case "+":
                    addedFiles++;
                    addedBytes += newSizes.GetValueOrDefault(change.Path);
                    break;
                case "-":
                    removedFiles++;
                    removedBytes += oldSizes.GetValueOrDefault(change.Path);
                    break;
                default:
                    changedFiles++;
                    changedBytes += newSizes.GetValueOrDefault(change.Path);
                    break;
            }
        }

        return new BackupChangeSummary(addedFiles, addedBytes, changedFiles, changedBytes, removedFiles, removedBytes);
    }

    private static async Task<Dictionary<string, long>> SizesAsync(Repository.Repository repository, Snapshot snapshot, HashSet<string> paths, CancellationToken cancellationToken)
    {
        var sizes = new Dictionary<string, long>(StringComparer.Ordinal);
        if (paths.Count == 0)
        {
            return sizes;
        }

        await foreach (var entry in repository.EnumerateAsync(snapshot, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            if (entry.Node.Type == NodeType.File && paths.Contains(entry.Path))
            {
                sizes[entry.Path] = (long)entry.Node.Size;
            }
        }

        return sizes;
    }
}
