using System.Diagnostics;
using Keepsake.BackupFormat;
using Keepsake.Device.Lockdown;
using Keepsake.Device.Services.MobileBackup2;
using Keepsake.Device.Transport;
using Keepsake.Engine.Vault;
using Keepsake.Plist;
using Keepsake.Repository;

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
            var (applications, installed) = await InstalledApplications.ReadAsync(lockdown, cancellationToken).ConfigureAwait(false);
            InfoPlistWriter.Write(workingCopy, lockdown.Udid, values, applications, installed);

            var backup = await MobileBackup2Client.StartAsync(lockdown, cancellationToken).ConfigureAwait(false);
            await using var backupScope = backup.ConfigureAwait(false);
            backup.IdleTimeout = options.IdleTimeout;
            // Reported on the caller's thread, in order: a Progress<T> would post and could arrive after the stage ended.
            var relay = progress is null ? null : new SynchronousProgress<MobileBackup2Progress>(p =>
                progress.Report(new DeviceBackupProgress(DeviceBackupStage.Receiving, p.FilesReceived, p.BytesReceived, p.Percent)
                {
                    TotalBytes = DeviceBackupProgress.EstimateTotal(p.BytesReceived, p.Percent),
                }));
            await backup.BackupAsync(new LocalDeviceLinkFileSystem(options.WorkingRoot), full, relay, cancellationToken).ConfigureAwait(false);
        }

        var properties = BackupFolder.ReadProperties(workingCopy);
        if (properties.SnapshotState != "finished")
        {
            throw new BackupFormatException(BackupFormatError.Incomplete, workingCopy,
                $"the phone did not finish the backup (SnapshotState: {properties.SnapshotState ?? "missing"}); nothing was recorded, and the next backup resumes from here");
        }

        var messages = InspectMessages(workingCopy, properties, options);
        var previous = (await repository.ListSnapshotsAsync(cancellationToken).ConfigureAwait(false))
            .Where(s => AppleBackupTags.Get(s, "udid") == properties.Udid)
            .OrderBy(s => s.Time)
            .LastOrDefault();
        var stored = await StoreAsync(repository, workingCopy, progress, cancellationToken).ConfigureAwait(false);
        IReadOnlyList<SnapshotChange> changes = [];
        BackupChangeSummary? summary = null;
        if (previous is not null)
        {
            changes = await repository.DiffAsync(previous, stored.Snapshot, cancellationToken).ConfigureAwait(false);
            summary = BackupChangeSummary.Compute(changes);
        }

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
            ChangeSummary = summary,
            Stored = stored,
            WasFull = full,
            IsEncrypted = properties.IsEncrypted,
            WorkingCopy = workingCopy,
            Duration = clock.Elapsed,
            Warnings = warnings,
            MessagesInICloud = messages,
        };
    }

    /// <summary>Records the working copy as a snapshot, reporting files and bytes processed out of the copy's totals.</summary>
    private static async Task<BackupResult> StoreAsync(Repository.Repository repository, string workingCopy, IProgress<DeviceBackupProgress>? progress, CancellationToken cancellationToken)
    {
        if (progress is null)
        {
            return await ImportJob.RunAsync(repository, workingCopy, cancellationToken: cancellationToken).ConfigureAwait(false);
        }

        long totalFiles = 0, totalBytes = 0;
        foreach (var file in new DirectoryInfo(workingCopy).EnumerateFiles("*", SearchOption.AllDirectories))
        {
            totalFiles++;
            totalBytes += file.Length;
        }

        progress.Report(new DeviceBackupProgress(DeviceBackupStage.Storing, 0, 0, 0) { TotalFiles = totalFiles, TotalBytes = totalBytes });
        // The vault reports each file as it is done, from several threads: one report at a time goes on, with the
        // highest counts seen (a late report never moves the bar back).
        var gate = new Lock();
        long done = 0, bytes = 0;
        var relay = new SynchronousProgress<BackupProgress>(p =>
        {
            lock (gate)
            {
                done = Math.Max(done, p.FilesProcessed);
                bytes = Math.Max(bytes, p.SizeProcessed);
                progress.Report(new DeviceBackupProgress(DeviceBackupStage.Storing, done, bytes, totalBytes == 0 ? 100 : Math.Min(100, 100.0 * bytes / totalBytes))
                {
                    TotalFiles = totalFiles,
                    TotalBytes = totalBytes,
                });
            }
        });
        return await ImportJob.RunAsync(repository, workingCopy, relay, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Messages in iCloud, read from the finished working copy (encrypted copies need the backup password).</summary>
    private static MessagesInICloudReport InspectMessages(string workingCopy, BackupProperties properties, DeviceBackupOptions options)
    {
        if (properties.IsEncrypted && options.BackupPassword is null)
        {
            return MessagesInICloudCheck.NotChecked("the backup is encrypted and no backup password was given");
        }

        try
        {
            using var source = BackupFolder.Open(workingCopy, properties.IsEncrypted ? options.BackupPassword : null);
            return MessagesInICloudCheck.Inspect(source);
        }
        catch (BackupFormatException e) when (e.Error == BackupFormatError.WrongPassword)
        {
            return MessagesInICloudCheck.NotChecked("the backup password given does not open this backup");
        }
    }
}
