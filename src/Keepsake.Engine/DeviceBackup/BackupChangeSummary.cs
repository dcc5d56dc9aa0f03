using Keepsake.Repository;

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

    /// <summary>Counts the files and sums the sizes in <paramref name="changes"/> (a snapshot diff, which carries each file's size).</summary>
    public static BackupChangeSummary Compute(IReadOnlyList<SnapshotChange> changes)
    {
        ArgumentNullException.ThrowIfNull(changes);
        long addedFiles = 0, addedBytes = 0, changedFiles = 0, changedBytes = 0, removedFiles = 0, removedBytes = 0;
        foreach (var change in changes.Where(c => !c.Path.EndsWith('/') && !BookkeepingFiles.Contains(c.Path[(c.Path.LastIndexOf('/') + 1)..])))
        {
            switch (change.Modifier)
            {
                case "+":
                    addedFiles++;
                    addedBytes += change.Size;
                    break;
                case "-":
                    removedFiles++;
                    removedBytes += change.Size;
                    break;
                default:
                    changedFiles++;
                    changedBytes += change.Size;
                    break;
            }
        }

        return new BackupChangeSummary(addedFiles, addedBytes, changedFiles, changedBytes, removedFiles, removedBytes);
    }
}
