using Keepsake.Repository;
using Keepsake.Repository.Snapshots;
using Keepsake.Repository.Trees;

namespace Keepsake.Engine.Vault;

/// <summary>
/// Writes the Apple backup held in a snapshot back out as a folder, <c>DEST/&lt;folder name&gt;</c> (the
/// device's UDID for backups Keepsake made), ready for Finder, iTunes or <c>idevicebackup2 restore DEST</c>.
/// Every blob is verified; a file appears under its name only when complete.
/// </summary>
public static class FolderRestoreJob
{
    /// <summary>
    /// The file a restore in progress leaves in its folder until the last file (Status.plist) is written; <c>keepsake
    /// info</c> reports a folder holding it as incomplete, and the next restore into it resumes.
    /// </summary>
    public const string IncompleteMarker = ".keepsake-restore-incomplete";

    /// <summary>Restores into a new folder under <paramref name="destination"/> and returns its path.</summary>
    /// <exception cref="RestoreTargetExistsException">The target folder exists, is not empty, and is no interrupted restore.</exception>
    public static Task<(string Folder, RestoreResult Result)> RunAsync(Repository.Repository repository, Snapshot snapshot, string destination, CancellationToken cancellationToken = default) =>
        RunAsync(repository, snapshot, destination, new FolderRestoreOptions(), cancellationToken);

    /// <summary>
    /// Restores into <c>DEST/&lt;folder name&gt;</c>. Until it is done the folder holds <see cref="IncompleteMarker"/> and no
    /// Status.plist (written last), so an interrupted restore never looks like a finished backup; run again, it
    /// resumes, leaving the files already complete. A folder that holds something else is replaced only with
    /// <see cref="FolderRestoreOptions.Overwrite"/>.
    /// </summary>
    public static async Task<(string Folder, RestoreResult Result)> RunAsync(Repository.Repository repository, Snapshot snapshot, string destination, FolderRestoreOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(repository);
        ArgumentNullException.ThrowIfNull(snapshot);
        ArgumentException.ThrowIfNullOrEmpty(destination);
        ArgumentNullException.ThrowIfNull(options);
        var folder = SnapshotBackupStore.BackupFolderOf(snapshot);
        var name = folder.Length == 0 ? snapshot.ShortId : folder[(folder.LastIndexOf('/') + 1)..];
        var target = Path.Combine(Path.GetFullPath(destination), name);
        var marker = Path.Combine(target, IncompleteMarker);
        var resume = false;
        if (Directory.Exists(target) && Directory.EnumerateFileSystemEntries(target).Any())
        {
            if (options.Overwrite)
            {
                Directory.Delete(target, recursive: true);
            }
            else if (File.Exists(marker))
            {
                resume = true;
            }
            else
            {
                throw new RestoreTargetExistsException(target);
            }
        }

        Directory.CreateDirectory(target);
        await File.WriteAllTextAsync(marker, snapshot.Id + Environment.NewLine, cancellationToken).ConfigureAwait(false);
        var subPath = "/" + folder;
        var status = folder.Length == 0 ? "/Status.plist" : subPath + "/Status.plist";
        long total = 0;
        await foreach (var entry in repository.EnumerateAsync(snapshot, subPath, cancellationToken).ConfigureAwait(false))
        {
            total += entry.Node.Type == NodeType.File ? (long)entry.Node.Size : 0;
        }

        // Everything but Status.plist, then Status.plist: the backup says "finished" only once all of it is there.
        var result = await repository.RestoreAsync(snapshot, target, new RestoreOptions
        {
            SubPath = subPath,
            Include = path => path != status,
            SkipExisting = resume,
            Progress = options.Progress,
            TotalBytes = total,
        }, cancellationToken).ConfigureAwait(false);
        if (result.Errors.Count == 0)
        {
            var last = await repository.RestoreAsync(snapshot, target, new RestoreOptions { SubPath = subPath, Include = path => path == status }, cancellationToken).ConfigureAwait(false);
            result = new RestoreResult(result.Files + last.Files, result.Directories, result.Bytes + last.Bytes, last.Errors);
            if (last.Errors.Count == 0)
            {
                File.Delete(marker);
            }
        }

        return (target, result);
    }
}
