using System.Diagnostics;
using Keepsake.BackupFormat;
using Keepsake.Device.Lockdown;
using Keepsake.Device.Services.MobileBackup2;
using Keepsake.Device.Transport;
using Keepsake.Engine.Vault;
using Keepsake.Plist;

namespace Keepsake.Engine.DeviceBackup;

/// <summary>
/// Backs up a phone into the vault: the phone writes into a per-device working copy in Apple's
/// layout (so it sends only what changed), then that copy is recorded as a snapshot. Nothing is
/// recorded unless the phone finished (Status.plist SnapshotState = finished); an interrupted run
/// leaves the working copy for the next run to resume from. Earlier snapshots are never touched.
/// </summary>
public static class DeviceBackupJob
{
    public const string UnencryptedWarning =
        "This backup is not encrypted, so the phone left out saved passwords, Health, Wi-Fi settings and call history. "
        + "Turn on encrypted backups with 'keepsake encryption on'.";

    public static async Task<DeviceBackupResult> RunAsync(
        IDeviceConnector connector,
        Repository.Repository repository,
        DeviceBackupOptions options,
        IProgress<DeviceBackupProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(connector);
        ArgumentNullException.ThrowIfNull(repository);
        ArgumentNullException.ThrowIfNull(options);
        var clock = Stopwatch.StartNew();
        progress?.Report(new DeviceBackupProgress(DeviceBackupStage.Connecting, 0, 0, 0));

        string workingCopy;
        bool full;
        PlistDictionary values;
        var lockdown = await LockdownClient.ConnectWithSessionAsync(connector, cancellationToken: cancellationToken).ConfigureAwait(false);
        await using (lockdown.ConfigureAwait(false))
        {
            values = (await lockdown.GetValueAsync(cancellationToken: cancellationToken).ConfigureAwait(false)).AsDictionary();
            workingCopy = Path.Combine(Path.GetFullPath(options.WorkingRoot), lockdown.Udid);
            Directory.CreateDirectory(workingCopy);
            full = options.ForceFull || !File.Exists(Path.Combine(workingCopy, "Status.plist"));
            InfoPlistWriter.Write(workingCopy, lockdown.Udid, values);

            var backup = await MobileBackup2Client.StartAsync(lockdown, cancellationToken).ConfigureAwait(false);
            await using var backupScope = backup.ConfigureAwait(false);
            backup.IdleTimeout = options.IdleTimeout;
            var relay = progress is null ? null : new Progress<MobileBackup2Progress>(p =>
                progress.Report(new DeviceBackupProgress(DeviceBackupStage.Receiving, p.FilesReceived, p.BytesReceived, p.Percent)));
            await backup.BackupAsync(new LocalDeviceLinkFileSystem(options.WorkingRoot), full, relay, cancellationToken).ConfigureAwait(false);
        }

        var properties = BackupFolder.ReadProperties(workingCopy);
        if (properties.SnapshotState != "finished")
        {
            throw new BackupFormatException(BackupFormatError.Incomplete, workingCopy,
                $"the phone did not finish the backup (SnapshotState: {properties.SnapshotState ?? "missing"}); nothing was recorded, and the next backup resumes from here");
        }

        progress?.Report(new DeviceBackupProgress(DeviceBackupStage.Storing, 0, 0, 100));
        var previous = (await repository.ListSnapshotsAsync(cancellationToken).ConfigureAwait(false))
            .Where(s => AppleBackupTags.Get(s, "udid") == properties.Udid)
            .OrderBy(s => s.Time)
            .LastOrDefault();
        var stored = await ImportJob.RunAsync(repository, workingCopy, cancellationToken: cancellationToken).ConfigureAwait(false);
        var changes = previous is null
            ? []
            : await repository.DiffAsync(previous, stored.Snapshot, cancellationToken).ConfigureAwait(false);
        progress?.Report(new DeviceBackupProgress(DeviceBackupStage.Done, 0, 0, 100));

        var warnings = new List<string>();
        if (!properties.IsEncrypted)
        {
            warnings.Add(UnencryptedWarning);
        }

        return new DeviceBackupResult
        {
            Udid = properties.Udid ?? Path.GetFileName(workingCopy),
            DeviceName = properties.DeviceName ?? values.GetString("DeviceName") ?? "iPhone",
            Snapshot = stored.Snapshot,
            Previous = previous,
            Changes = changes,
            Stored = stored,
            WasFull = full,
            IsEncrypted = properties.IsEncrypted,
            WorkingCopy = workingCopy,
            Duration = clock.Elapsed,
            Warnings = warnings,
        };
    }
}
