using Keepsake.BackupFormat;
using Keepsake.Primitives;
using Keepsake.Repository.Snapshots;

namespace Keepsake.Engine.Vault;

/// <summary>Opens the Apple backup held in a vault snapshot as an <see cref="IBackupFileSource"/>.</summary>
public static class SnapshotBackupSource
{
    /// <summary>Properties (device, encryption, completeness) of the backup in <paramref name="snapshot"/>.</summary>
    public static BackupProperties ReadProperties(Repository.Repository repository, Snapshot snapshot) =>
        BackupFolder.ReadProperties(new SnapshotBackupStore(repository, snapshot));

    /// <summary>
    /// The backup in <paramref name="snapshot"/>; <paramref name="password"/> is the backup's own
    /// password when it is encrypted (checked here, before anything else is read).
    /// </summary>
    public static IBackupFileSource Open(Repository.Repository repository, Snapshot snapshot, Secret? password = null, CancellationToken cancellationToken = default) =>
        BackupFolder.Open(new SnapshotBackupStore(repository, snapshot), password, cancellationToken);
}
