using System.Globalization;
using System.Security.Cryptography;
using Keepsake.BackupFormat.Writer;
using Keepsake.Device.Simulator.Phone;
using Keepsake.Plist;
using Keepsake.Primitives;

namespace Keepsake.Device.Simulator.Backup;

/// <summary>
/// One backup run's Apple-format image, made file by file while the conversation uploads, as a phone
/// does: the list of entries is known at once (names, sizes and times only), each file is read when
/// its turn comes, and only what the host lacks is sent. A plain blob is the phone's file itself; an
/// encrypted one is written to the device's scratch folder just before it is sent and deleted once
/// the host has it, so scratch holds one upload batch at most. Manifest.db, Manifest.plist and
/// Status.plist are written by Keepsake.BackupFormat's writer at the end. Info.plist is the host's
/// to write and is never sent.
/// </summary>
internal sealed class BackupImage : IDisposable
{
    private readonly SimulatedDevice _device;
    private readonly string _scratch;
    private readonly string _folder;
    private readonly BackupWriter _writer;
    private readonly byte[]? _seed;
    private readonly Dictionary<string, BackupImageFile> _files = new(StringComparer.Ordinal);
    private bool _completed;

    private BackupImage(SimulatedDevice device, string scratch, string folder, BackupWriter writer, byte[]? seed, IReadOnlyList<PhoneFile> entries, string? password)
    {
        _device = device;
        _scratch = scratch;
        _folder = folder;
        _writer = writer;
        _seed = seed;
        Entries = entries;
        Password = password;
        ManifestFiles = [Path.Combine(folder, "Manifest.db"), Path.Combine(folder, "Manifest.plist"), Path.Combine(folder, "Status.plist")];
        FinalStatusPath = Path.Combine(scratch, "Status.final.plist");
    }

    /// <summary>The phone's files and folders this backup holds, in the order they are read.</summary>
    public IReadOnlyList<PhoneFile> Entries { get; }

    /// <summary>Every file added so far, by file ID.</summary>
    public IReadOnlyCollection<BackupImageFile> Files => _files.Values;

    /// <summary>Manifest.db, Manifest.plist and an intermediate Status.plist (after <see cref="Complete"/>), uploaded after the blobs.</summary>
    public IReadOnlyList<string> ManifestFiles { get; }

    /// <summary>Status.plist with SnapshotState "finished", uploaded last.</summary>
    public string FinalStatusPath { get; }

    /// <summary>Whether the blobs are encrypted.</summary>
    public bool IsEncrypted => Password is not null;

    /// <summary>The password the image is encrypted with (null when plain).</summary>
    public string? Password { get; }

    /// <summary>SHA-256 of the keybag of an encrypted image (after <see cref="Complete"/>); another keybag means a full backup.</summary>
    public string? KeybagDigest { get; private set; }

    /// <summary>
    /// Starts an image: lists the phone (without reading any file) and opens the manifest writer in a
    /// fresh scratch folder. With a password and no keybag yet, this derives one (seconds at the iOS default).
    /// </summary>
    public static BackupImage Begin(SimulatedDevice device, string? password, bool isFullBackup)
    {
        var scratch = Path.Combine(device.Options.StateFolder, "scratch", "backup-" + Guid.NewGuid().ToString("N"));
        var folder = Path.Combine(scratch, "backup");
        try
        {
            var identity = device.Identity;
            using var secret = password is null ? null : Secret.FromString(password);
            var writer = BackupWriter.Create(folder, new BackupWriterOptions
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
                Keybag = password is null ? null : device.State.BackupKeybag,
            });

            // With Messages in iCloud, iOS takes the message store out of backups (see MessagesInICloudSetting).
            var leaveOutMessages = MessagesInICloudSetting.RemovesMessagesFromBackup(device.Phone);
            var entries = device.Phone.Enumerate().Where(e => !(leaveOutMessages && MessagesInICloudSetting.IsInMessageStore(e))).ToList();
            return new BackupImage(device, scratch, folder, writer, password is null ? null : device.State.FileKeySeed, entries, password);
        }
        catch
        {
            TryDelete(scratch);
            throw;
        }
    }

    /// <summary>
    /// The bytes this run will send at most: every file that is new, or whose size or time differs from
    /// the last run's (<paramref name="previousStamps"/>), plus an allowance for the manifests.
    /// </summary>
    public long EstimateUpload(PlistDictionary previousStamps)
    {
        long bytes = 0;
        foreach (var entry in Entries.Where(e => !e.IsDirectory))
        {
            var fileId = Keepsake.BackupFormat.BackupFileId.Compute(entry.Domain, entry.RelativePath);
            if (previousStamps.GetString(fileId) != Stamp(entry))
            {
                bytes += entry.Length + (IsEncrypted ? 16 : 0);
            }
        }

        return bytes + (1024L * Entries.Count) + (64 * 1024);
    }

    /// <summary>
    /// Adds one entry's manifest row. A file is read only when its size or time changed since the last
    /// run; it is to be sent (<see cref="BackupImageFile.Send"/>) when its content did.
    /// </summary>
    public BackupImageFile Add(PhoneFile entry, PlistDictionary previousDigests, PlistDictionary previousStamps)
    {
        ObjectDisposedException.ThrowIf(_completed, this);
        var metadata = new BackupEntryMetadata { LastModified = entry.Modified, LastStatusChange = entry.Modified, Birth = entry.Modified };
        if (entry.IsDirectory)
        {
            var row = _writer.AddDirectory(entry.Domain, entry.RelativePath, metadata);
            return Remember(new BackupImageFile(row.FileId, entry.Domain, entry.RelativePath, null, string.Empty, string.Empty, Send: false));
        }

        var fileId = Keepsake.BackupFormat.BackupFileId.Compute(entry.Domain, entry.RelativePath);
        var stamp = Stamp(entry);
        var digest = previousStamps.GetString(fileId) == stamp && previousDigests.GetString(fileId) is { Length: 40 } known
            ? known
            : Sha1(entry.FullPath);
        var send = previousDigests.GetString(fileId) != digest;
        var fileKey = _seed is null ? [] : FileKey(_seed, fileId, Convert.FromHexString(digest));
        try
        {
            if (!IsEncrypted || !send)
            {
                _writer.AddFileEntry(entry.Domain, entry.RelativePath, entry.Length, metadata, fileKey);
                return Remember(new BackupImageFile(fileId, entry.Domain, entry.RelativePath, entry.FullPath, digest, stamp, send));
            }

            using var content = File.OpenRead(entry.FullPath);
            var added = _writer.AddFile(entry.Domain, entry.RelativePath, content, metadata, fileKey);
            return Remember(new BackupImageFile(fileId, entry.Domain, entry.RelativePath, Path.Combine(_folder, added.FileId[..2], added.FileId), digest, stamp, send) { IsScratch = true });
        }
        finally
        {
            CryptographicOperations.ZeroMemory(fileKey);
        }
    }

    /// <summary>Deletes the scratch blobs of files the host now holds.</summary>
    public static void Release(IEnumerable<BackupImageFile> sent)
    {
        foreach (var file in sent.Where(f => f.IsScratch))
        {
            File.Delete(file.BlobPath!);
        }
    }

    /// <summary>Writes the manifests and the interim ("moving") and final ("finished") Status.plist; keeps a new keybag for the next encrypted run.</summary>
    public void Complete(string uuid, bool isFullBackup)
    {
        _writer.Complete();
        _writer.Dispose();
        _completed = true;
        if (IsEncrypted)
        {
            // The device keeps its backup keybag for the next encrypted backup under this password.
            var keybagUsed = PlistReader.ReadFile(Path.Combine(_folder, "Manifest.plist")).AsDictionary().GetData("BackupKeyBag");
            if (_device.State.BackupKeybag is null && keybagUsed is not null)
            {
                _device.State.BackupKeybag = keybagUsed;
            }

            KeybagDigest = keybagUsed is null ? null : Convert.ToHexStringLower(SHA256.HashData(keybagUsed));
        }

        // The device keeps one UUID per backup lineage so that the next incremental run recognises the host's folder.
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

    public void Dispose()
    {
        _writer.Dispose();
        TryDelete(_scratch);
    }

    /// <summary>What tells an unchanged file without reading it: its size and last write time.</summary>
    private static string Stamp(PhoneFile entry) =>
        string.Create(CultureInfo.InvariantCulture, $"{entry.Length}:{entry.Modified.UtcTicks}");

    private static string Sha1(string path)
    {
        using var content = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20, FileOptions.SequentialScan);
        return Convert.ToHexStringLower(SHA1.HashData(content));
    }

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

    private BackupImageFile Remember(BackupImageFile file)
    {
        _files[file.FileId] = file;
        return file;
    }

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
            // A scratch folder left behind is harmless: it is the device's own.
        }
    }
}
