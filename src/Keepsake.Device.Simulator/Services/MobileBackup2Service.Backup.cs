using Keepsake.Device.Services.MobileBackup2;
using Keepsake.Plist;

namespace Keepsake.Device.Simulator.Services;

/// <summary>
/// The Backup conversation: read the host's Status.plist, decide full or incremental from what this
/// device last sent to that backup (by its UUID), upload changed files into Snapshot/, then the
/// manifests, move everything into place, remove deleted files and finish with Status.plist.
/// </summary>
internal sealed partial class MobileBackup2Service
{
    private async Task<PlistDictionary> BackupAsync(DeviceLinkChannel channel, System.Net.Sockets.Socket? socket, PlistDictionary body, CancellationToken cancellationToken)
    {
        using var slot = await device.BackupSlot.EnterAsync(cancellationToken).ConfigureAwait(false);
        var udid = device.Identity.Udid;
        var forceFull = body.GetDictionary("Options")?.GetBoolean("ForceFullBackup") == true;

        // 1. What does the host already hold?
        using var statusBuffer = new MemoryStream();
        var got = await DownloadAsync(channel, [udid + "/Status.plist"], _ => new NonClosingStream(statusBuffer), 0.0, cancellationToken).ConfigureAwait(false);
        string? previousUuid = null;
        if (got.Values.FirstOrDefault() && statusBuffer.Length > 0)
        {
            try
            {
                previousUuid = PlistReader.Read(statusBuffer.ToArray()).AsDictionary().GetString("UUID");
            }
            catch (Exception ex) when (ex is PlistFormatException or InvalidCastException)
            {
                previousUuid = null;
            }
        }

        var password = device.State.BackupPassword;
        var previous = !forceFull && previousUuid is not null ? device.State.LoadBackupRecord(previousUuid) : null;
        if (previous is not null && (previous.GetBoolean("Encrypted") ?? false) != (password is not null))
        {
            previous = null;
        }

        // Encrypted: the host's blobs are only reusable under the same keybag (a new password makes a new one).
        var keybag = password is null ? null : device.State.BackupKeybag;
        if (previous is not null && password is not null
            && (keybag is null || previous.GetString("KeybagDigest") != Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(keybag))))
        {
            previous = null;
        }

        var uuid = previous is not null ? previousUuid! : Guid.NewGuid().ToString("D").ToUpperInvariant();
        var isFullBackup = previous is null;

        // 2. List the phone (names, sizes, times: no file is read yet) and ask for room for what may have changed.
        using var image = Backup.BackupImage.Begin(device, password, isFullBackup);
        var previousFiles = previous?.GetDictionary("Files") ?? new PlistDictionary();
        var previousStamps = previous?.GetDictionary("Stamps") ?? new PlistDictionary();
        var needed = image.EstimateUpload(previousStamps);

        var (_, free) = await AskAsync(channel, [DeviceLinkMessageNames.GetFreeDiskSpace], cancellationToken).ConfigureAwait(false);
        if (free is PlistInteger freeBytes && freeBytes.Value < needed)
        {
            return Error(105, $"Insufficient free disk space on the computer: {needed} bytes needed, {freeBytes.Value} free");
        }

        await AskAsync(channel, [DeviceLinkMessageNames.ContentsOfDirectory, udid], cancellationToken).ConfigureAwait(false);

        // 3. Read the phone file by file and upload what changed into the snapshot, a batch at a time.
        var snapshot = udid + "/Snapshot";
        await CreateDirectoryAsync(channel, snapshot, cancellationToken).ConfigureAwait(false);
        long sentBytes = 0;
        var total = Math.Max(1, needed);
        double Progress() => Math.Min(99.0, 100.0 * sentBytes / total);
        var prefixes = new HashSet<string>(StringComparer.Ordinal);
        var sent = new List<Backup.BackupImageFile>();
        var batch = new List<Backup.BackupImageFile>();
        long batchBytes = 0;
        async Task<long> FlushAsync()
        {
            foreach (var prefix in batch.Select(f => f.FileId[..2]).Where(prefixes.Add).Order(StringComparer.Ordinal))
            {
                await CreateDirectoryAsync(channel, $"{snapshot}/{prefix}", cancellationToken).ConfigureAwait(false);
                await CreateDirectoryAsync(channel, $"{udid}/{prefix}", cancellationToken).ConfigureAwait(false);
            }

            var uploads = batch.Select(f => (f.Domain + "/" + f.RelativePath, $"{snapshot}/{f.FileId[..2]}/{f.FileId}", f.BlobPath!)).ToList();
            var result = await UploadAsync(channel, socket, uploads, Progress, n => sentBytes += n, cancellationToken).ConfigureAwait(false);
            Backup.BackupImage.Release(batch);
            sent.AddRange(batch);
            batch.Clear();
            batchBytes = 0;
            return result;
        }

        long code = 0;
        foreach (var entry in image.Entries)
        {
            var file = image.Add(entry, previousFiles, previousStamps);
            if (!file.Send)
            {
                continue;
            }

            batch.Add(file);
            batchBytes += entry.Length;
            if ((batch.Count >= UploadBatchFiles || batchBytes >= UploadBatchBytes) && (code = await FlushAsync().ConfigureAwait(false)) != 0)
            {
                break;
            }
        }

        if (code == 0 && batch.Count > 0)
        {
            code = await FlushAsync().ConfigureAwait(false);
        }

        if (code == 0)
        {
            image.Complete(uuid, isFullBackup);
            code = await UploadAsync(channel, socket, [.. image.ManifestFiles.Select(m => ("/var/mobile/Library/MobileBackup/" + Path.GetFileName(m), $"{snapshot}/{Path.GetFileName(m)}", m))], Progress, n => sentBytes += n, cancellationToken).ConfigureAwait(false);
        }

        if (code != 0)
        {
            return Error(104, $"The computer could not store the backup files (error {code})");
        }

        // 4. Move into place, drop deleted files and the snapshot, then finish.
        var moves = new PlistDictionary();
        foreach (var file in sent)
        {
            moves[$"{snapshot}/{file.FileId[..2]}/{file.FileId}"] = $"{udid}/{file.FileId[..2]}/{file.FileId}";
        }

        foreach (var manifest in image.ManifestFiles)
        {
            moves[$"{snapshot}/{Path.GetFileName(manifest)}"] = $"{udid}/{Path.GetFileName(manifest)}";
        }

        (code, _) = await AskAsync(channel, [DeviceLinkMessageNames.MoveItems, moves, new PlistDictionary(), Progress()], cancellationToken).ConfigureAwait(false);
        if (code != 0)
        {
            return Error(104, $"The computer could not move the snapshot into place (error {code})");
        }

        var files = image.Files.Where(f => f.BlobPath is not null).ToList();
        var present = files.Select(f => f.FileId).ToHashSet(StringComparer.Ordinal);
        var removed = previousFiles.Keys.Where(id => !present.Contains(id)).ToList();
        var removals = new PlistArray([.. removed.Select(id => (PlistNode)$"{udid}/{id[..2]}/{id}"), snapshot]);
        await AskAsync(channel, [DeviceLinkMessageNames.RemoveItems, removals, new PlistDictionary(), Progress()], cancellationToken).ConfigureAwait(false);
        code = await UploadAsync(channel, socket, [("/var/mobile/Library/MobileBackup/Status.plist", udid + "/Status.plist", image.FinalStatusPath)], () => 100.0, _ => { }, cancellationToken).ConfigureAwait(false);
        if (code != 0)
        {
            return Error(104, $"The computer could not store Status.plist (error {code})");
        }

        var record = new PlistDictionary
        {
            ["Encrypted"] = password is not null,
            ["Files"] = new PlistDictionary(),
            ["Stamps"] = new PlistDictionary(),
        };
        if (image.KeybagDigest is { } digest)
        {
            record["KeybagDigest"] = digest;
        }

        var digests = record.GetDictionary("Files")!;
        var stamps = record.GetDictionary("Stamps")!;
        foreach (var file in files)
        {
            digests[file.FileId] = file.ContentDigest;
            stamps[file.FileId] = file.Stamp;
        }

        device.State.SaveBackupRecord(uuid, record);
        return Success();
    }
}
