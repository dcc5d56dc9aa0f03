using System.Diagnostics;
using Keepsake.BackupFormat;
using Keepsake.Device.Lockdown;
using Keepsake.Device.Services.MobileBackup2;
using Keepsake.Device.Transport;
using Keepsake.Engine.Vault;
using Keepsake.Plist;
using Keepsake.Repository;
using Keepsake.Repository.Backends.Local;
using Keepsake.Repository.Snapshots;
using Keepsake.Repository.Trees;

namespace Keepsake.Engine.DeviceBackup;

/// <summary>
/// Backs up a phone straight into the vault: the phone sees its latest snapshot as the backup folder
/// (<see cref="VaultDeviceLinkFileSystem"/>), so it sends only what changed, and what it sends is
/// stored as it arrives. The new snapshot is recorded only when the phone reports it finished
/// (Status.plist SnapshotState = finished); an interrupted run records nothing, but what it stored is
/// indexed and not stored again by the next run. Earlier snapshots are never touched.
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
        var workingRoot = Path.GetFullPath(options.WorkingRoot);
        using var temp = BackupTemporaryFolder.Create(options.TemporaryRoot ?? Path.Combine(Path.GetDirectoryName(workingRoot) ?? workingRoot, "tmp"));

        string folder;
        bool full;
        PlistDictionary values;
        Snapshot? previous;
        BackupProperties properties;
        Snapshot snapshot;
        string? workingCopy;
        long filesStored;
        long bytesStored;
        long bytesAdded;
        long blobsAdded;
        var lockdown = await LockdownClient.ConnectWithSessionAsync(connector, cancellationToken: cancellationToken).ConfigureAwait(false);
        await using (lockdown.ConfigureAwait(false))
        {
            values = (await lockdown.GetValueAsync(cancellationToken: cancellationToken).ConfigureAwait(false)).AsDictionary();
            var udid = lockdown.Udid;
            folder = Path.Combine(workingRoot, udid);
            previous = (await repository.ListSnapshotsAsync(cancellationToken).ConfigureAwait(false))
                .Where(s => AppleBackupTags.Get(s, "udid") == udid)
                .OrderBy(s => s.Time)
                .LastOrDefault();
            var writer = await repository.OpenSnapshotWriterAsync(cancellationToken).ConfigureAwait(false);
            await using (writer.ConfigureAwait(false))
            {
                var fileSystem = new VaultDeviceLinkFileSystem(repository, writer, temp.CreateFolder("files"), options.VaultFreeSpace ?? (() => FreeSpace(repository, temp.Path)));
                full = true;
                workingCopy = Directory.Exists(folder) && new DirectoryInfo(folder).LinkTarget is null ? folder : null;
                if (workingCopy is not null && !options.ForceFull && File.Exists(Path.Combine(workingCopy, "Status.plist")))
                {
                    // A working copy left by an earlier version is what the phone last backed up to: it is the base, once.
                    fileSystem.SetBaseFolderOnDisk(udid, workingCopy);
                    full = false;
                }
                else if (previous is not null && !options.ForceFull
                    && await repository.FindNodeAsync(previous, SnapshotBackupStore.BackupFolderOf(previous), cancellationToken).ConfigureAwait(false) is { Type: NodeType.Dir } baseFolder)
                {
                    fileSystem.SetBase(udid, baseFolder);
                    full = false;
                }

                var (applications, installed) = await InstalledApplications.ReadAsync(lockdown, cancellationToken).ConfigureAwait(false);
                var info = temp.CreateFolder("info");
                InfoPlistWriter.Write(info, udid, values, applications, installed);
                fileSystem.AdoptLocalFile(udid + "/Info.plist", Path.Combine(info, "Info.plist"));

                var backup = await MobileBackup2Client.StartAsync(lockdown, cancellationToken).ConfigureAwait(false);
                await using (backup.ConfigureAwait(false))
                {
                    backup.IdleTimeout = options.IdleTimeout;
                    // Reported on the caller's thread, in order: a Progress<T> would post and could arrive after the stage ended.
                    var relay = progress is null ? null : new SynchronousProgress<MobileBackup2Progress>(p =>
                        progress.Report(new DeviceBackupProgress(DeviceBackupStage.Receiving, p.FilesReceived, p.BytesReceived, p.Percent)
                        {
                            TotalBytes = DeviceBackupProgress.EstimateTotal(p.BytesReceived, p.Percent),
                        }));
                    try
                    {
                        await backup.BackupAsync(fileSystem, full, relay, cancellationToken).ConfigureAwait(false);
                    }
                    catch (Exception e) when (fileSystem.VaultError is IOException vault && !ReferenceEquals(e, vault) && e is not OperationCanceledException)
                    {
                        throw VaultFailed(vault);
                    }
                }

                if (fileSystem.VaultError is IOException failed)
                {
                    throw VaultFailed(failed);
                }

                properties = BackupFolder.ReadProperties(fileSystem.Store(udid));
                if (properties.SnapshotState != "finished")
                {
                    throw new BackupFormatException(BackupFormatError.Incomplete, folder,
                        $"the phone did not finish the backup (SnapshotState: {properties.SnapshotState ?? "missing"}); nothing was recorded, and the next backup resumes from what was stored");
                }

                progress?.Report(new DeviceBackupProgress(DeviceBackupStage.Storing, fileSystem.FilesStored, fileSystem.BytesStored, 0) { TotalFiles = fileSystem.FilesStored, TotalBytes = fileSystem.BytesStored });
                try
                {
                    var device = await fileSystem.SaveTreeAsync(udid, cancellationToken).ConfigureAwait(false)
                        ?? throw new BackupFormatException(BackupFormatError.MissingFile, folder, "the phone finished without a backup folder; nothing was recorded");
                    var root = await WrapAsync(writer, folder, device, cancellationToken).ConfigureAwait(false);
                    snapshot = await writer.CommitAsync(new Snapshot
                    {
                        Time = DateTimeOffset.Now,
                        Parent = previous?.Id,
                        Tree = root,
                        Paths = [folder],
                        Hostname = string.IsNullOrWhiteSpace(properties.DeviceName) ? "unknown-device" : properties.DeviceName,
                        Username = repository.Options.Username,
                        Tags = AppleBackupTags.For(properties),
                    }, cancellationToken).ConfigureAwait(false);
                }
                catch (IOException e) when (IsDiskFull(e))
                {
                    throw VaultFailed(e);
                }
                (filesStored, bytesStored, bytesAdded, blobsAdded) = (fileSystem.FilesStored, fileSystem.BytesStored, writer.BytesAdded, writer.BlobsAdded);
                progress?.Report(new DeviceBackupProgress(DeviceBackupStage.Storing, filesStored, bytesStored, 100) { TotalFiles = filesStored, TotalBytes = bytesStored });
            }
        }

        if (workingCopy is not null)
        {
            // Stored in the vault now: the plain copy goes.
            Directory.Delete(workingCopy, recursive: true);
        }

        var messages = InspectMessages(repository, snapshot, properties, options);
        IReadOnlyList<SnapshotChange> changes = [];
        BackupChangeSummary? summary = null;
        if (previous is not null)
        {
            changes = await repository.DiffAsync(previous, snapshot, cancellationToken).ConfigureAwait(false);
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
            Udid = properties.Udid ?? Path.GetFileName(folder),
            DeviceName = properties.DeviceName ?? values.GetString("DeviceName") ?? "iPhone",
            Snapshot = snapshot,
            Previous = previous,
            Changes = changes,
            ChangeSummary = summary,
            Stored = new BackupResult
            {
                Snapshot = snapshot,
                FilesNew = filesStored,
                BytesRead = bytesStored,
                TotalBytes = bytesStored,
                BytesAdded = bytesAdded,
                BlobsAdded = blobsAdded,
            },
            WasFull = full,
            IsEncrypted = properties.IsEncrypted,
            BackupFolder = folder,
            RemovedWorkingCopy = workingCopy,
            Duration = clock.Elapsed,
            Warnings = warnings,
            MessagesInICloud = messages,
        };
    }

    /// <summary>The snapshot's root tree: the device folder under the folders of its recorded path (as restic records a path).</summary>
    private static async Task<ObjectId> WrapAsync(SnapshotWriter writer, string folder, Node device, CancellationToken cancellationToken)
    {
        var components = folder.Replace('\\', '/').Replace(":", string.Empty, StringComparison.Ordinal).Split('/', StringSplitOptions.RemoveEmptyEntries);
        var node = device;
        for (var i = components.Length - 2; i >= 0; i--)
        {
            var subtree = await writer.SaveTreeAsync(new Tree([node]), cancellationToken).ConfigureAwait(false);
            node = new Node { Name = components[i], Type = NodeType.Dir, Mode = GoFileMode.Dir | 0x1C0, ModTime = device.ModTime, AccessTime = device.ModTime, ChangeTime = device.ModTime, Subtree = subtree };
        }

        return await writer.SaveTreeAsync(new Tree([node]), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>ENOSPC (28) on Unix; ERROR_DISK_FULL (0x70) and ERROR_HANDLE_DISK_FULL (0x27) on Windows.</summary>
    private static bool IsDiskFull(IOException e) => (e.HResult & 0xFFFF) is 28 or 0x70 or 0x27;

    private static VaultDiskFullException VaultFailed(IOException failure) =>
        IsDiskFull(failure)
            ? new VaultDiskFullException($"vault disk full: the vault could not store the phone's files ({failure.Message}); nothing was recorded, what was stored is kept for the next backup", failure)
            : throw failure;

    private static long FreeSpace(Repository.Repository repository, string fallback)
    {
        try
        {
            return new DriveInfo(repository.Backend is LocalBackend local ? local.Location : fallback).AvailableFreeSpace;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
        {
            return 0;
        }
    }

    /// <summary>Messages in iCloud, read from the new snapshot (encrypted backups need the backup password).</summary>
    private static MessagesInICloudReport InspectMessages(Repository.Repository repository, Snapshot snapshot, BackupProperties properties, DeviceBackupOptions options)
    {
        if (properties.IsEncrypted && options.BackupPassword is null)
        {
            return MessagesInICloudCheck.NotChecked("the backup is encrypted and no backup password was given");
        }

        try
        {
            using var source = SnapshotBackupSource.Open(repository, snapshot, properties.IsEncrypted ? options.BackupPassword : null);
            return MessagesInICloudCheck.Inspect(source);
        }
        catch (BackupFormatException e) when (e.Error == BackupFormatError.WrongPassword)
        {
            return MessagesInICloudCheck.NotChecked("the backup password given does not open this backup");
        }
    }
}
