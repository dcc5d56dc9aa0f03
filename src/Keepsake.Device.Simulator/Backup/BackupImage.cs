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
        var scratch = Path.Combine(Path.GetTempPath(), "keepsake-sim-" + Guid.NewGuid().ToString("N"));
        var folder = Path.Combine(scratch, "backup");
        try
        {
            var identity = device.Identity;
            using var secret = password is null ? null : Secret.FromString(password);
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
            }))
            {
                foreach (var entry in device.Phone.Enumerate())
                {
                    var metadata = new BackupEntryMetadata { LastModified = entry.Modified, LastStatusChange = entry.Modified, Birth = entry.Modified };
                    if (entry.IsDirectory)
                    {
                        var row = writer.AddDirectory(entry.Domain, entry.RelativePath, metadata);
                        files.Add(new BackupImageFile(row.FileId, entry.Domain, entry.RelativePath, null, string.Empty));
                        continue;
                    }

                    string digest;
                    using (var content = File.OpenRead(entry.FullPath))
                    {
                        digest = password is null ? Convert.ToHexStringLower(SHA1.HashData(content)) : Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(20));
                        content.Position = 0;
                        var row = writer.AddFile(entry.Domain, entry.RelativePath, content, metadata);
                        files.Add(new BackupImageFile(row.FileId, entry.Domain, entry.RelativePath, Path.Combine(folder, row.FileId[..2], row.FileId), digest));
                    }
                }

                writer.Complete();
            }

            var statusPath = Path.Combine(folder, "Status.plist");
            var image = new BackupImage(scratch, files, [Path.Combine(folder, "Manifest.db"), Path.Combine(folder, "Manifest.plist"), statusPath], Path.Combine(scratch, "Status.final.plist"))
            {
                IsEncrypted = password is not null,
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

    /// <summary>Whether the blobs are encrypted (such an image is never reused: its keys are per backup).</summary>
    public bool IsEncrypted { get; private init; }

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
