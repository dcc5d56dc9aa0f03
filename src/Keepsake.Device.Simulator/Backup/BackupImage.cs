using System.Security.Cryptography;
using Keepsake.BackupFormat.Writer;
using Keepsake.Plist;
using Keepsake.Primitives;

namespace Keepsake.Device.Simulator.Backup;

/// <summary>
/// A complete Apple-format backup of the phone, made by Keepsake.BackupFormat's writer in a
/// temporary folder on the device side: <c>xx/&lt;fileID&gt;</c> blobs, Manifest.db, Manifest.plist
/// (with keybag when encrypted) and Status.plist. The conversation uploads from here only what the
/// host lacks. Info.plist is the host's to write and is never sent.
/// </summary>
internal sealed class BackupImage : IDisposable
{
    private BackupImage(string folder, IReadOnlyList<BackupImageFile> files, IReadOnlyList<string> manifestFiles, string finalStatusPath)
    {
        Folder = folder;
        Files = files;
        ManifestFiles = manifestFiles;
        FinalStatusPath = finalStatusPath;
    }

    public string Folder { get; }

    public IReadOnlyList<BackupImageFile> Files { get; }

    /// <summary>Manifest.db, Manifest.plist and an intermediate Status.plist, uploaded after the blobs.</summary>
    public IReadOnlyList<string> ManifestFiles { get; }

    /// <summary>Status.plist with SnapshotState "finished", uploaded last.</summary>
    public string FinalStatusPath { get; }

    public static BackupImage Build(SimulatedDevice device, string uuid, string? password, bool isFullBackup)
    {
        var scratch = Path.Combine(device.Options.StateFolder, "scratch", "backup-" + Guid.NewGuid().ToString("N"));
        var folder = Path.Combine(scratch, "backup");
        try
        {
            var identity = device.Identity;
            using var secret = password is null ? null : Secret.FromString(password);
            var keybag = password is null ? null : device.State.BackupKeybag;
            var seed = password is null ? null : device.State.FileKeySeed;
            var files = new List<BackupImageFile>();
            using (var writer = BackupWriter.Create(folder, new BackupWriterOptions
            {
                Udid = identity.Udid,
                DeviceName = identity.DeviceName,
                ProductType = identity.ProductType,
                ProductVersion = identity.ProductVersion,
                BuildVersion = identity.BuildVersion,
                SerialNumber = identity.SerialNumber,
                Password = secret,
                DoubleProtectionIterations = device.Options.BackupKeyIterations,
                Iterations = Math.Min(device.Options.BackupKeyIterations, 10_000),
                IsFullBackup = isFullBackup,
                Keybag = keybag,
            }))
            {
                // With Messages in iCloud, iOS takes the message store out of backups (see MessagesInICloudSetting).
                var leaveOutMessages = Phone.MessagesInICloudSetting.RemovesMessagesFromBackup(device.Phone);
                foreach (var entry in device.Phone.Enumerate())
                {
                    if (leaveOutMessages && Phone.MessagesInICloudSetting.IsInMessageStore(entry))
                    {
                        continue;
                    }

                    var metadata = new BackupEntryMetadata { LastModified = entry.Modified, LastStatusChange = entry.Modified, Birth = entry.Modified };
                    if (entry.IsDirectory)
                    {
                        var row = writer.AddDirectory(entry.Domain, entry.RelativePath, metadata);
                        files.Add(new BackupImageFile(row.FileId, entry.Domain, entry.RelativePath, null, string.Empty));
                        continue;
                    }

                    using (var content = File.OpenRead(entry.FullPath))
                    {
                        var sha1 = SHA1.HashData(content);
                        content.Position = 0;
                        var fileId = Keepsake.BackupFormat.BackupFileId.Compute(entry.Domain, entry.RelativePath);
                        var fileKey = seed is null ? [] : FileKey(seed, fileId, sha1);
                        try
                        {
                            var row = writer.AddFile(entry.Domain, entry.RelativePath, content, metadata, fileKey);
                            files.Add(new BackupImageFile(row.FileId, entry.Domain, entry.RelativePath, Path.Combine(folder, row.FileId[..2], row.FileId), Convert.ToHexStringLower(sha1)));
                        }
                        finally
                        {
                            CryptographicOperations.ZeroMemory(fileKey);
                        }
                    }
                }

                writer.Complete();
            }

            byte[]? keybagUsed = null;
            if (password is not null)
            {
                // The device keeps its backup keybag for the next encrypted backup under this password.
                keybagUsed = PlistReader.ReadFile(Path.Combine(folder, "Manifest.plist")).AsDictionary().GetData("BackupKeyBag");
                if (keybag is null && keybagUsed is not null)
                {
                    device.State.BackupKeybag = keybagUsed;
                }
            }

            var statusPath = Path.Combine(folder, "Status.plist");
            var image = new BackupImage(scratch, files, [Path.Combine(folder, "Manifest.db"), Path.Combine(folder, "Manifest.plist"), statusPath], Path.Combine(scratch, "Status.final.plist"))
            {
                IsEncrypted = password is not null,
                KeybagDigest = keybagUsed is null ? null : Convert.ToHexStringLower(SHA256.HashData(keybagUsed)),
                Password = password,
            };
            image.Stamp(uuid, isFullBackup);
            return image;
        }
        catch
        {
            TryDelete(scratch);
            throw;
        }
    }

    /// <summary>Whether the blobs are encrypted.</summary>
    public bool IsEncrypted { get; private init; }

    /// <summary>SHA-256 of the keybag of an encrypted image (recorded with each backup: another keybag means a full backup).</summary>
    public string? KeybagDigest { get; private init; }

    /// <summary>The password the image was encrypted with (null when plain): the cache reuses an image only for the same one.</summary>
    public string? Password { get; private init; }

    /// <summary>
    /// The per-file key of an encrypted backup: HMAC-SHA256 under the device's seed of the file ID and the content's
    /// SHA-1, so an unchanged file keeps its key and blob (and is not sent again), and a changed one gets a new key.
    /// </summary>
    private static byte[] FileKey(byte[] seed, string fileId, byte[] contentSha1)
    {
        var message = new byte[fileId.Length + 1 + contentSha1.Length];
        System.Text.Encoding.ASCII.GetBytes(fileId, message);
        contentSha1.CopyTo(message, fileId.Length + 1);
        return HMACSHA256.HashData(seed, message);
    }

    /// <summary>
    /// Writes the interim ("moving") and final ("finished") Status.plist for one backup run. The device keeps
    /// one UUID per backup lineage so that the next incremental run recognises the host's folder.
    /// </summary>
    public void Stamp(string uuid, bool isFullBackup)
    {
        var statusPath = ManifestFiles[^1];
        var status = PlistReader.Read(File.ReadAllBytes(statusPath)).AsDictionary();
        status["UUID"] = uuid;
        status["IsFullBackup"] = isFullBackup;
        status["Date"] = DateTimeOffset.UtcNow;
        status["SnapshotState"] = "finished";
        File.WriteAllBytes(FinalStatusPath, PlistWriter.ToBinary(status));
        status["SnapshotState"] = "moving";
        File.WriteAllBytes(statusPath, PlistWriter.ToBinary(status));
    }

    public void Dispose() => TryDelete(Folder);

    private static void TryDelete(string folder)
    {
        try
        {
            if (Directory.Exists(folder))
            {
                Directory.Delete(folder, recursive: true);
            }
        }
        catch (IOException)
        {
            // A temp folder left behind is harmless.
        }
    }
}
