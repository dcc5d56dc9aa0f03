using System.Security.Cryptography;
using Keepsake.BackupFormat;
using Keepsake.Plist;

namespace Keepsake.Device.Simulator.Backup;

/// <summary>
/// A complete Apple-format backup of the phone staged in a temporary folder on the device side:
/// <c>xx/&lt;fileID&gt;</c> blobs, Manifest.db, Manifest.plist and the final Status.plist. The
/// conversation uploads from here only what the host lacks.
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
        var folder = Path.Combine(Path.GetTempPath(), "keepsake-sim-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        try
        {
            var files = new List<BackupImageFile>();
            foreach (var entry in device.Phone.Enumerate())
            {
                var fileId = BackupFileId.Compute(entry.Domain, entry.RelativePath);
                if (entry.IsDirectory)
                {
                    files.Add(new BackupImageFile(fileId, entry.Domain, entry.RelativePath, null, string.Empty));
                    continue;
                }

                var blob = Path.Combine(folder, fileId[..2], fileId);
                Directory.CreateDirectory(Path.GetDirectoryName(blob)!);
                File.Copy(entry.FullPath, blob);
                string digest;
                using (var stream = File.OpenRead(blob))
                {
                    digest = password is null ? Convert.ToHexStringLower(SHA1.HashData(stream)) : Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(20));
                }

                files.Add(new BackupImageFile(fileId, entry.Domain, entry.RelativePath, blob, digest));
            }

            var now = DateTimeOffset.UtcNow;
            var manifestPlist = Path.Combine(folder, "Manifest.plist");
            File.WriteAllBytes(manifestPlist, PlistWriter.ToBinary(new PlistDictionary
            {
                ["Date"] = now,
                ["IsEncrypted"] = password is not null,
                ["Lockdown"] = new PlistDictionary
                {
                    ["DeviceName"] = device.Identity.DeviceName,
                    ["ProductVersion"] = device.Identity.ProductVersion,
                    ["BuildVersion"] = device.Identity.BuildVersion,
                    ["ProductType"] = device.Identity.ProductType,
                    ["SerialNumber"] = device.Identity.SerialNumber,
                    ["UniqueDeviceID"] = device.Identity.Udid,
                },
                ["SystemDomainsVersion"] = "24.0",
                ["Version"] = "10.0",
                ["WasPasscodeSet"] = false,
                ["Applications"] = new PlistDictionary(),
            }));
            var interim = Path.Combine(folder, "Status.plist");
            File.WriteAllBytes(interim, Status(uuid, now, isFullBackup, "moving"));
            var final = Path.Combine(folder, "Status.final.plist");
            File.WriteAllBytes(final, Status(uuid, now, isFullBackup, "finished"));
            return new BackupImage(folder, files, [manifestPlist, interim], final);
        }
        catch
        {
            Directory.Delete(folder, recursive: true);
            throw;
        }
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Folder, recursive: true);
        }
        catch (IOException)
        {
            // A temp folder left behind is harmless.
        }
    }

    private static byte[] Status(string uuid, DateTimeOffset date, bool full, string state) => PlistWriter.ToBinary(new PlistDictionary
    {
        ["BackupState"] = "new",
        ["Date"] = date,
        ["IsFullBackup"] = full,
        ["SnapshotState"] = state,
        ["UUID"] = uuid,
        ["Version"] = "3.3",
    });
}
