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
        using var slot = await device.Images.EnterAsync(cancellationToken).ConfigureAwait(false);
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
        var image = device.Images.Get(device, uuid, password, isFullBackup: previous is null);

        // 2. Decide what to send.
        var previousFiles = previous?.GetDictionary("Files") ?? new PlistDictionary();
        var changed = image.Files.Where(f => f.BlobPath is not null && !(previousFiles.GetString(f.FileId) is { } digest && digest == f.ContentDigest)).ToList();
        var present = image.Files.Where(f => f.BlobPath is not null).Select(f => f.FileId).ToHashSet(StringComparer.Ordinal);
        var removed = previousFiles.Keys.Where(id => !present.Contains(id)).ToList();
        var needed = changed.Sum(f => new FileInfo(f.BlobPath!).Length) + image.ManifestFiles.Sum(f => new FileInfo(f).Length);

        var (_, free) = await AskAsync(channel, [DeviceLinkMessageNames.GetFreeDiskSpace], cancellationToken).ConfigureAwait(false);
        if (free is PlistInteger freeBytes && freeBytes.Value < needed)
        {
            return Error(105, $"Insufficient free disk space on the computer: {needed} bytes needed, {freeBytes.Value} free");
        }

        await AskAsync(channel, [DeviceLinkMessageNames.ContentsOfDirectory, udid], cancellationToken).ConfigureAwait(false);

        // 3. Upload into the snapshot.
        var snapshot = udid + "/Snapshot";
        await CreateDirectoryAsync(channel, snapshot, cancellationToken).ConfigureAwait(false);
        var prefixes = changed.Select(f => f.FileId[..2]).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        foreach (var prefix in prefixes)
        {
            await CreateDirectoryAsync(channel, $"{snapshot}/{prefix}", cancellationToken).ConfigureAwait(false);
            await CreateDirectoryAsync(channel, $"{udid}/{prefix}", cancellationToken).ConfigureAwait(false);
        }

        long sentBytes = 0;
        var total = Math.Max(1, needed);
        double Progress() => Math.Min(99.0, 100.0 * sentBytes / total);
        var uploads = changed.Select(f => (f.Domain + "/" + f.RelativePath, $"{snapshot}/{f.FileId[..2]}/{f.FileId}", f.BlobPath!)).ToList();
        uploads.AddRange(image.ManifestFiles.Select(m => ("/var/mobile/Library/MobileBackup/" + Path.GetFileName(m), $"{snapshot}/{Path.GetFileName(m)}", m)));
        var code = await UploadAsync(channel, socket, uploads, Progress, n => sentBytes += n, cancellationToken).ConfigureAwait(false);
        if (code != 0)
        {
            return Error(104, $"The computer could not store the backup files (error {code})");
        }

        // 4. Move into place, drop deleted files and the snapshot, then finish.
        var moves = new PlistDictionary();
        foreach (var file in changed)
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
        };
        if (image.KeybagDigest is { } digest)
        {
            record["KeybagDigest"] = digest;
        }

        var files = record.GetDictionary("Files")!;
        foreach (var file in image.Files.Where(f => f.BlobPath is not null))
        {
            files[file.FileId] = file.ContentDigest;
        }

        device.State.SaveBackupRecord(uuid, record);
        return Success();
    }
}
