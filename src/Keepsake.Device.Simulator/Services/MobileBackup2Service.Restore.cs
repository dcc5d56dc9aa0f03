using System.Globalization;
using System.Text;
using Keepsake.BackupFormat;
using Keepsake.Device.Services.MobileBackup2;
using Keepsake.Plist;
using Keepsake.Primitives;

namespace Keepsake.Device.Simulator.Services;

/// <summary>
/// Restore, Info and List: the device pulls the manifests (and for Restore the blobs) from the
/// host into a scratch folder, reads them with Keepsake.BackupFormat, and applies or describes them.
/// </summary>
internal sealed partial class MobileBackup2Service
{
    private static readonly string[] UserDomainPrefixes = ["HomeDomain", "MediaDomain", "CameraRollDomain", "AppDomain", "HealthDomain"];

    /// <summary>The apps a host asked the phone to reinstall (consumed, as the phone does after the restore).</summary>
    private IReadOnlyList<string> TakeRestoreApplications()
    {
        if (!device.RestoreFiles.TryRemove("/iTunesRestore/RestoreApplications.plist", out var bytes))
        {
            return [];
        }

        try
        {
            return [.. PlistReader.Read(bytes).AsDictionary().Keys.Order(StringComparer.Ordinal)];
        }
        catch (Exception ex) when (ex is PlistFormatException or InvalidCastException)
        {
            return [];
        }
    }

    private async Task<PlistDictionary> RestoreAsync(DeviceLinkChannel channel, PlistDictionary body, CancellationToken cancellationToken)
    {
        var options = body.GetDictionary("Options") ?? new PlistDictionary();
        device.LastRestoreApplications = TakeRestoreApplications();
        var scratch = await PullManifestsAsync(channel, cancellationToken).ConfigureAwait(false);
        try
        {
            using var password = options.GetString("Password") is { } text ? Secret.FromString(text) : null;
            BackupFolder folder;
            try
            {
                folder = BackupFolder.Open(scratch, password);
            }
            catch (BackupFormatException ex)
            {
                return Error(ex.Error == BackupFormatError.WrongPassword || ex.Error == BackupFormatError.PasswordRequired ? 207 : 205, "Cannot read the backup: " + ex.Message);
            }

            using (folder)
            {
                var system = options.GetBoolean("RestoreSystemFiles") == true;
                var entries = folder.Entries().Where(e => system || IsUserDomain(e.Domain)).ToList();
                var files = entries.Where(e => e.Kind == BackupEntryKind.File).ToList();
                var needed = files.Sum(e => e.Size);
                if (device.Faults.PhoneFreeBytes is { } free && needed > free)
                {
                    return Error(28, $"Not enough free space on the iPhone: {needed} bytes needed, {free} free");
                }

                var udid = device.Identity.Udid;
                var blobs = files.Select(e => $"{udid}/{e.FileId[..2]}/{e.FileId}").ToList();
                for (var i = 0; i < blobs.Count; i += UploadBatchFiles)
                {
                    var batch = blobs.Skip(i).Take(UploadBatchFiles).ToList();
                    await DownloadAsync(channel, batch, path => ScratchFile(scratch, path[(udid.Length + 1)..]), 100.0 * i / Math.Max(1, blobs.Count), cancellationToken).ConfigureAwait(false);
                }

                Apply(folder, entries, options.GetBoolean("RemoveItemsNotRestored") == true, system);
            }

            return Success();
        }
        finally
        {
            Directory.Delete(scratch, recursive: true);
        }
    }

    private async Task<PlistDictionary> InfoAsync(DeviceLinkChannel channel, PlistDictionary body, CancellationToken cancellationToken)
    {
        var scratch = await PullManifestsAsync(channel, cancellationToken).ConfigureAwait(false);
        try
        {
            var result = Success();
            if (body.GetString("MessageName") == "Info")
            {
                var manifest = Path.Combine(scratch, "Manifest.plist");
                result["Content"] = File.Exists(manifest) ? PlistReader.Read(File.ReadAllBytes(manifest)) : new PlistDictionary();
                return result;
            }

            var properties = BackupFolder.ReadProperties(scratch);
            if (properties.IsEncrypted)
            {
                result["Content"] = "The backup is encrypted; its file list needs the password.";
                return result;
            }

            using var folder = BackupFolder.Open(scratch);
            var csv = new StringBuilder("Domain,RelativePath,FileID,Size\n");
            foreach (var entry in folder.Entries())
            {
                csv.Append(CultureInfo.InvariantCulture, $"{entry.Domain},{entry.RelativePath},{entry.FileId},{entry.Size}\n");
            }

            result["Content"] = csv.ToString();
            return result;
        }
        catch (BackupFormatException ex)
        {
            return Error(205, "Cannot read the backup: " + ex.Message);
        }
        finally
        {
            Directory.Delete(scratch, recursive: true);
        }
    }

    private async Task<string> PullManifestsAsync(DeviceLinkChannel channel, CancellationToken cancellationToken)
    {
        var udid = device.Identity.Udid;
        var scratch = Path.Combine(device.Options.StateFolder, "scratch", "restore-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(scratch);
        string[] names = ["Status.plist", "Manifest.plist", "Manifest.db", "Info.plist"];
        var received = await DownloadAsync(channel, [.. names.Select(n => $"{udid}/{n}")], path => ScratchFile(scratch, path[(udid.Length + 1)..]), 0.0, cancellationToken).ConfigureAwait(false);
        foreach (var (path, ok) in received)
        {
            if (!ok)
            {
                File.Delete(Path.Combine(scratch, path[(udid.Length + 1)..]));
            }
        }

        return scratch;
    }

    private static Stream? ScratchFile(string scratch, string relative)
    {
        var full = new SafePath(scratch).Resolve(relative);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        return new FileStream(full, FileMode.Create, FileAccess.Write);
    }

    private static bool IsUserDomain(string domain) => UserDomainPrefixes.Any(p => domain.StartsWith(p, StringComparison.Ordinal));

    private void Apply(BackupFolder folder, List<BackupEntry> entries, bool removeOthers, bool system)
    {
        var phone = device.Phone;
        var restored = new HashSet<string>(StringComparer.Ordinal);
        foreach (var entry in entries.Where(e => e.Kind == BackupEntryKind.Directory))
        {
            Directory.CreateDirectory(phone.Resolve(entry.Domain, entry.RelativePath));
            restored.Add(entry.Domain + "/" + entry.RelativePath);
        }

        foreach (var entry in entries.Where(e => e.Kind == BackupEntryKind.File))
        {
            var target = phone.Resolve(entry.Domain, entry.RelativePath);
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            var temp = target + ".restoring";
            using (var source = folder.OpenRead(entry))
            using (var destination = new FileStream(temp, FileMode.Create, FileAccess.Write))
            {
                source.CopyTo(destination);
            }

            File.Move(temp, target, overwrite: true);
            restored.Add(entry.Domain + "/" + entry.RelativePath);
        }

        if (!removeOthers)
        {
            return;
        }

        foreach (var existing in phone.Enumerate().Where(f => !f.IsDirectory && (system || IsUserDomain(f.Domain))))
        {
            if (!restored.Contains(existing.Domain + "/" + existing.RelativePath))
            {
                File.Delete(existing.FullPath);
            }
        }
    }
}
