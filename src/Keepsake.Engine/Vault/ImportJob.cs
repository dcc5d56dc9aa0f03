using Keepsake.BackupFormat;
using Keepsake.Repository;
using Keepsake.Repository.Snapshots;

namespace Keepsake.Engine.Vault;

/// <summary>
/// Stores an existing Apple backup folder (Finder, iTunes, idevicebackup2 or Keepsake's own) in the
/// vault as a snapshot, verbatim, so that restoring the snapshot gives back a folder Finder can
/// restore. Host = the device's name; tags from <see cref="AppleBackupTags"/>. The parent is the
/// newest earlier snapshot of the same device, so unchanged blobs are neither read nor stored again.
/// </summary>
public static class ImportJob
{
    public static async Task<BackupResult> RunAsync(Repository.Repository repository, string backupFolder, IProgress<BackupProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(repository);
        ArgumentException.ThrowIfNullOrEmpty(backupFolder);
        var folder = Path.TrimEndingDirectorySeparator(Path.GetFullPath(backupFolder));
        if (!Directory.Exists(folder))
        {
            throw new DirectoryNotFoundException($"backup folder '{folder}' does not exist.");
        }

        // The snapshot records the folder under its real path: a symbolic link on the way to it would
        // otherwise be stored as a link, and the backup would not be reachable inside the snapshot.
        folder = RealPath(folder);

        // Reading the properties first checks that this is an Apple backup at all.
        var properties = BackupFolder.ReadProperties(folder);
        if (properties.ManifestKind is null && properties.ManifestPlist is null)
        {
            throw new BackupFormatException(BackupFormatError.MissingFile, folder, "this is not an Apple backup folder (no Manifest.plist, Manifest.db or Manifest.mbdb)");
        }

        var tags = AppleBackupTags.For(properties).ToList();
        if (!properties.IsComplete)
        {
            tags.Add("incomplete");
        }

        var host = string.IsNullOrWhiteSpace(properties.DeviceName) ? "unknown-device" : properties.DeviceName;
        var parent = await FindParentAsync(repository, properties.Udid, folder, cancellationToken).ConfigureAwait(false);
        return await repository.BackupAsync(
            folder,
            new BackupOptions { Host = host, Tags = tags, Paths = [folder], Parent = parent, NoParent = parent is null, Time = BackupTime(properties) },
            progress,
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>When the backup was made: Status.plist's Date, else Info.plist's Last Backup Date; null (the import time) when neither says.</summary>
    internal static DateTimeOffset? BackupTime(BackupProperties properties) =>
        properties.StatusPlist?.GetDate("Date") ?? properties.InfoPlist?.GetDate("Last Backup Date");

    /// <summary>The absolute path with every symbolic link on the way resolved.</summary>
    internal static string RealPath(string path, int depth = 0)
    {
        if (depth > 40)
        {
            throw new IOException($"Too many levels of symbolic links in '{path}'.");
        }

        var root = Path.GetPathRoot(path)!;
        var current = root;
        foreach (var part in path[root.Length..].Split(Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries))
        {
            current = Path.Combine(current, part);
            if (new DirectoryInfo(current).LinkTarget is not null)
            {
                var target = new DirectoryInfo(current).ResolveLinkTarget(returnFinalTarget: true)!.FullName;
                current = RealPath(Path.TrimEndingDirectorySeparator(target), depth + 1);
            }
        }

        return current;
    }

    private static async Task<Snapshot?> FindParentAsync(Repository.Repository repository, string? udid, string folder, CancellationToken cancellationToken)
    {
        var snapshots = await repository.ListSnapshotsAsync(cancellationToken).ConfigureAwait(false);
        return snapshots
            .Where(AppleBackupTags.IsAppleBackup)
            .Where(s => udid is not null ? AppleBackupTags.Get(s, "udid") == udid : s.Paths.SequenceEqual([folder]))
            .OrderBy(s => s.Time)
            .LastOrDefault();
    }
}
