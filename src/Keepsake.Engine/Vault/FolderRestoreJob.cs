using Keepsake.Repository;
using Keepsake.Repository.Snapshots;

namespace Keepsake.Engine.Vault;

/// <summary>
/// Writes the Apple backup held in a snapshot back out as a folder, <c>DEST/&lt;folder name&gt;</c> (the
/// device's UDID for backups Keepsake made), ready for Finder, iTunes or <c>idevicebackup2 restore DEST</c>.
/// Every blob is verified; a file appears under its name only when complete.
/// </summary>
public static class FolderRestoreJob
{
    /// <summary>Restores into a new folder under <paramref name="destination"/> and returns its path.</summary>
    /// <exception cref="IOException">The target folder exists and is not empty.</exception>
    public static async Task<(string Folder, RestoreResult Result)> RunAsync(Repository.Repository repository, Snapshot snapshot, string destination, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(repository);
        ArgumentNullException.ThrowIfNull(snapshot);
        ArgumentException.ThrowIfNullOrEmpty(destination);
        var folder = SnapshotBackupStore.BackupFolderOf(snapshot);
        var name = folder.Length == 0 ? snapshot.ShortId : folder[(folder.LastIndexOf('/') + 1)..];
        var target = Path.Combine(Path.GetFullPath(destination), name);
        if (Directory.Exists(target) && Directory.EnumerateFileSystemEntries(target).Any())
        {
            throw new IOException($"'{target}' already exists and is not empty; choose another destination.");
        }

        Directory.CreateDirectory(target);
        var result = await repository.RestoreAsync(snapshot, target, new RestoreOptions { SubPath = "/" + folder }, cancellationToken).ConfigureAwait(false);
        return (target, result);
    }
}
