using Keepsake.BackupFormat;
using Keepsake.Device.Lockdown;
using Keepsake.Device.Services.MobileBackup2;
using Keepsake.Device.Transport;
using Keepsake.Engine.Vault;
using Keepsake.Engine.Verify;
using Keepsake.Primitives;
using Keepsake.Repository;
using Keepsake.Repository.Snapshots;

namespace Keepsake.Engine.DeviceRestore;

/// <summary>
/// Restores a snapshot onto a phone. Before the phone is touched, the snapshot gets the full
/// verification of <see cref="VerifyJob"/>: it is restored into a private staging folder (every blob's
/// MAC and hash checked), opened as an Apple backup (complete, and when encrypted the keybag unlocked
/// with the password and Manifest.db decrypted and queried), every entry's content read and
/// decrypted, and the key databases opened and queried. Only a backup that passes all of it is
/// handed to the phone's backup service, with the backup's apps to reinstall (Info.plist Applications) unless
/// <see cref="MobileBackup2RestoreOptions.SkipApps"/>. The staging folder is deleted afterwards.
/// </summary>
public static class DeviceRestoreJob
{
    /// <returns>What the verification before the restore checked.</returns>
    /// <exception cref="BackupFormatException">The snapshot failed verification (nothing was sent to the phone).</exception>
    public static async Task<VerifyReport> RunAsync(
        IDeviceConnector connector,
        Repository.Repository repository,
        Snapshot snapshot,
        MobileBackup2RestoreOptions options,
        string stagingRoot,
        IProgress<MobileBackup2Progress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(connector);
        ArgumentNullException.ThrowIfNull(repository);
        ArgumentNullException.ThrowIfNull(snapshot);
        ArgumentNullException.ThrowIfNull(options);
        var staging = Path.Combine(Path.GetFullPath(stagingRoot), $"restore-{Guid.NewGuid():N}");
        var folder = SnapshotBackupStore.BackupFolderOf(snapshot);
        // The phone reads the backup as <root>/<its UDID>/..., whatever folder name the snapshot used.
        var backupFolder = Path.Combine(staging, connector.Udid);
        Directory.CreateDirectory(backupFolder);
        try
        {
            var restored = await repository.RestoreAsync(snapshot, backupFolder, new RestoreOptions { SubPath = "/" + folder }, cancellationToken).ConfigureAwait(false);
            if (restored.Errors.Count > 0)
            {
                throw new BackupFormatException(BackupFormatError.CorruptBlob, $"snapshot {snapshot.ShortId}", "the snapshot could not be restored intact: " + string.Join("; ", restored.Errors.Take(5)));
            }

            var properties = BackupFolder.ReadProperties(backupFolder);
            if (!properties.IsComplete || properties.SnapshotState != "finished")
            {
                throw new BackupFormatException(BackupFormatError.Incomplete, $"snapshot {snapshot.ShortId}", "this backup was not finished; a phone refuses to restore it");
            }

            // Opening checks the password of an encrypted backup before the phone is asked anything.
            var password = properties.IsEncrypted
                ? options.Password ?? throw new BackupFormatException(BackupFormatError.PasswordRequired, $"snapshot {snapshot.ShortId}", "the backup is encrypted; its password is needed to restore it")
                : null;
            var problems = new List<string>();
            long entries;
            IReadOnlyDictionary<string, string> databases;
            using (var source = BackupFolder.Open(backupFolder, password))
            {
                (entries, databases) = VerifyJob.CheckContents(source, problems, cancellationToken);
            }

            if (problems.Count > 0)
            {
                throw new BackupFormatException(BackupFormatError.CorruptBlob, $"snapshot {snapshot.ShortId}",
                    $"the backup failed verification, so the phone was not touched ({problems.Count} problems): " + string.Join("; ", problems.Take(5)));
            }

            var report = new VerifyReport
            {
                FilesRead = restored.Files,
                BytesRead = restored.Bytes,
                EntriesDecrypted = entries,
                Encrypted = properties.IsEncrypted,
                Databases = databases,
                Problems = problems,
            };

            // The phone reinstalls the backup's apps (Info.plist Applications, as Finder records them) unless told not to.
            if (!options.SkipApps && options.Applications is null && properties.InfoPlist?.GetDictionary("Applications") is { Count: > 0 } applications)
            {
                options = options with { Applications = applications };
            }

            var lockdown = await LockdownClient.ConnectWithSessionAsync(connector, cancellationToken: cancellationToken).ConfigureAwait(false);
            await using (lockdown.ConfigureAwait(false))
            {
                var backup = await MobileBackup2Client.StartAsync(lockdown, cancellationToken).ConfigureAwait(false);
                await using (backup.ConfigureAwait(false))
                {
                    await backup.RestoreAsync(new LocalDeviceLinkFileSystem(staging), options, progress, cancellationToken).ConfigureAwait(false);
                }
            }

            return report;
        }
        finally
        {
            TryDelete(staging);
        }
    }

    private static void TryDelete(string folder)
    {
        try
        {
            Directory.Delete(folder, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
