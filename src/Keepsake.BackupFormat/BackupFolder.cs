using System.Security.Cryptography;
using Keepsake.BackupFormat.Crypto;
using Keepsake.BackupFormat.Keybag;
using Keepsake.BackupFormat.Manifest;
using Keepsake.Plist;
using Keepsake.Primitives;

namespace Keepsake.BackupFormat;

/// <summary>
/// An Apple MobileSync backup folder, plain or encrypted: Info/Manifest/Status.plist,
/// Manifest.db (iOS 10+) or Manifest.mbdb (iOS 4–9), and the content blobs. For an encrypted
/// backup the password is checked, the class keys unwrapped and Manifest.db decrypted (into an
/// owner-only temporary file, deleted on <see cref="Dispose"/>) once, in <see cref="Open(string, Secret?, CancellationToken)"/>.
/// The folder is read through an <see cref="IBackupStore"/>: a folder on disk, or a backup kept in the vault.
/// See docs/design/backup-format.md.
/// </summary>
public sealed class BackupFolder : IBackupFileSource
{
    private readonly ManifestDbReader? _db;
    private readonly List<BackupEntry>? _mbdbEntries;
    private readonly ClassKeyRing? _keys;
    private readonly string? _tempManifest;
    private readonly bool _nestedBlobs;
    private readonly IBackupStore _store;
    private bool _disposed;

    private BackupFolder(IBackupStore store, BackupProperties properties, ManifestDbReader? db, List<BackupEntry>? mbdbEntries, ClassKeyRing? keys, string? tempManifest)
    {
        _store = store;
        Path = store.Location;
        Properties = properties;
        _db = db;
        _mbdbEntries = mbdbEntries;
        _keys = keys;
        _tempManifest = tempManifest;
        _nestedBlobs = db is not null;
    }

    /// <summary>Where the backup is: the absolute folder path, or the store's description.</summary>
    public string Path { get; }

    public BackupProperties Properties { get; }

    /// <summary>Whether Manifest.plist says the backup is encrypted.</summary>
    public bool IsEncrypted => Properties.IsEncrypted;

    /// <summary>The class keys of an encrypted backup (null for a plain one).</summary>
    public ClassKeyRing? ClassKeys => _keys;

    /// <summary>
    /// Opens a backup folder. For an encrypted backup, <paramref name="password"/> is required
    /// (<see cref="BackupFormatError.PasswordRequired"/>) and checked here
    /// (<see cref="BackupFormatError.WrongPassword"/>) before anything else is read or written.
    /// </summary>
    public static BackupFolder Open(string path, Secret? password = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var full = System.IO.Path.GetFullPath(path);
        if (!Directory.Exists(full))
        {
            throw new BackupFormatException(BackupFormatError.MissingFile, full, "the backup folder does not exist");
        }

        return Open(new DirectoryBackupStore(full), password, cancellationToken);
    }

    /// <summary>Opens the backup held by <paramref name="store"/>; otherwise as <see cref="Open(string, Secret?, CancellationToken)"/>.</summary>
    public static BackupFolder Open(IBackupStore store, Secret? password = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        var full = store.Location;
        var properties = ReadProperties(store);
        ClassKeyRing? keys = null;
        string? temp = null;
        ManifestDbReader? db = null;
        try
        {
            if (properties.IsEncrypted)
            {
                if (password is null)
                {
                    throw new BackupFormatException(BackupFormatError.PasswordRequired, full, "the backup is encrypted; a password is needed");
                }

                var bagBytes = properties.ManifestPlist?.GetData("BackupKeyBag")
                    ?? throw new BackupFormatException(BackupFormatError.CorruptKeybag, "Manifest.plist", "the backup is encrypted but Manifest.plist has no BackupKeyBag");
                keys = BackupKeybag.Parse(bagBytes).Unlock(password, cancellationToken);
            }

            if (store.FileExists("Manifest.db"))
            {
                if (keys is not null && !HasSqliteHeader(store))
                {
                    var manifestKey = properties.ManifestPlist?.GetData("ManifestKey")
                        ?? throw new BackupFormatException(BackupFormatError.CorruptManifest, "Manifest.plist", "Manifest.db is encrypted but Manifest.plist has no ManifestKey");
                    temp = DecryptManifest(store, manifestKey, keys);
                    db = new ManifestDbReader(temp);
                }
                else if (store.GetLocalPath("Manifest.db") is { } local)
                {
                    db = new ManifestDbReader(local);
                }
                else
                {
                    temp = CopyToPrivateTemp(store);
                    db = new ManifestDbReader(temp);
                }

                return new BackupFolder(store, properties, db, null, keys, temp);
            }

            if (store.FileExists("Manifest.mbdb"))
            {
                using var reader = new ManifestMbdbReader(store.OpenRead("Manifest.mbdb"));
                var entries = reader.ReadEntries().ToList();
                entries.Sort(static (a, b) =>
                {
                    var c = string.CompareOrdinal(a.Domain, b.Domain);
                    return c != 0 ? c : string.CompareOrdinal(a.RelativePath, b.RelativePath);
                });
                return new BackupFolder(store, properties, null, entries, keys, null);
            }

            throw new BackupFormatException(BackupFormatError.MissingFile, full, "the folder has neither Manifest.db nor Manifest.mbdb");
        }
        catch
        {
            db?.Dispose();
            keys?.Dispose();
            DeleteTemp(temp);
            throw;
        }
    }

    /// <summary>
    /// Reads only Info.plist, Manifest.plist and Status.plist (each optional; no password needed).
    /// A damaged Manifest.plist raises <see cref="BackupFormatException"/> (CorruptManifest): it holds the
    /// backup's keys. A damaged Info.plist or Status.plist only describes the backup, so it is read as
    /// missing and named in <see cref="BackupProperties.DamagedFiles"/>; one bad file never hides the rest.
    /// </summary>
    public static BackupProperties ReadProperties(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        return ReadProperties(new DirectoryBackupStore(path));
    }

    /// <summary>As <see cref="ReadProperties(string)"/>, for the backup held by <paramref name="store"/>.</summary>
    public static BackupProperties ReadProperties(IBackupStore store)
    {
        ArgumentNullException.ThrowIfNull(store);
        var damaged = new List<BackupFormatException>();
        var info = ReadDescriptivePlist(store, "Info.plist", damaged);
        var manifest = ReadPlist(store, "Manifest.plist");
        var status = ReadDescriptivePlist(store, "Status.plist", damaged);
        var lockdown = manifest?.GetDictionary("Lockdown");
        var snapshotState = status?.GetString("SnapshotState");
        var staging = store.DirectoryExists("Snapshot");
        var manifestKind = store.FileExists("Manifest.db") ? "Manifest.db"
            : store.FileExists("Manifest.mbdb") ? "Manifest.mbdb"
            : null;
        return new BackupProperties
        {
            Udid = lockdown?.GetString("UniqueDeviceID") ?? info?.GetString("Unique Identifier") ?? info?.GetString("Target Identifier"),
            DeviceName = info?.GetString("Device Name") ?? lockdown?.GetString("DeviceName"),
            ProductType = info?.GetString("Product Type") ?? lockdown?.GetString("ProductType"),
            ProductVersion = info?.GetString("Product Version") ?? lockdown?.GetString("ProductVersion"),
            BuildVersion = info?.GetString("Build Version") ?? lockdown?.GetString("BuildVersion"),
            SerialNumber = info?.GetString("Serial Number") ?? lockdown?.GetString("SerialNumber"),
            Date = info?.GetDate("Last Backup Date") ?? manifest?.GetDate("Date") ?? status?.GetDate("Date"),
            IsEncrypted = manifest?.GetBoolean("IsEncrypted") ?? false,
            SnapshotState = snapshotState ?? (staging ? "Snapshot folder present" : null),
            IsComplete = !staging && (snapshotState is null || snapshotState == "finished"),
            IsFullBackup = status?.GetBoolean("IsFullBackup"),
            FormatVersion = manifest?.GetString("Version"),
            ManifestKind = manifestKind,
            InfoPlist = info,
            ManifestPlist = manifest,
            StatusPlist = status,
            DamagedFiles = damaged,
        };
    }

    private static PlistDictionary? ReadDescriptivePlist(IBackupStore store, string name, List<BackupFormatException> damaged)
    {
        try
        {
            return ReadPlist(store, name);
        }
        catch (BackupFormatException e)
        {
            damaged.Add(e);
            return null;
        }
    }

    public IEnumerable<BackupEntry> Entries(string? domain = null, string? pathPrefix = null)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_db is not null)
        {
            return _db.Entries(domain, pathPrefix);
        }

        return _mbdbEntries!.Where(e => (domain is null || e.Domain == domain)
            && (string.IsNullOrEmpty(pathPrefix) || e.RelativePath.StartsWith(pathPrefix, StringComparison.Ordinal)));
    }

    /// <inheritdoc />
    public IReadOnlyCollection<BackupFormatException> UnreadableEntries => _db?.UnreadableRows ?? [];

    public BackupEntry? FindEntry(string domain, string relativePath)
    {
        ArgumentNullException.ThrowIfNull(domain);
        ArgumentNullException.ThrowIfNull(relativePath);
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_db is not null)
        {
            return _db.Find(domain, relativePath);
        }

        return _mbdbEntries!.FirstOrDefault(e => e.Domain == domain && e.RelativePath == relativePath)
            ?? _mbdbEntries!.FirstOrDefault(e =>
                CanonicalDecomposition.Decompose(e.Domain) == CanonicalDecomposition.Decompose(domain)
                && CanonicalDecomposition.Decompose(e.RelativePath) == CanonicalDecomposition.Decompose(relativePath));
    }

    public Stream OpenRead(BackupEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (entry.Kind != BackupEntryKind.File)
        {
            throw new ArgumentException($"{entry.Domain}/{entry.RelativePath} is a {entry.Kind}, not a regular file.", nameof(entry));
        }

        var where = $"{entry.Domain}/{entry.RelativePath}";
        var blob = BlobPath(entry.FileId);
        if (blob is null)
        {
            if (entry.Size == 0)
            {
                return Stream.Null;
            }

            throw new BackupFormatException(BackupFormatError.MissingBlob, where, $"the content blob {BackupFileId.BlobPath(entry.FileId, _nestedBlobs)} is missing");
        }

        var stream = _store.OpenRead(blob);
        if (_keys is null)
        {
            return stream;
        }

        try
        {
            if (entry.EncryptionKey is null)
            {
                throw new BackupFormatException(BackupFormatError.CorruptBlob, where, "the backup is encrypted but the entry has no EncryptionKey");
            }

            var key = _keys.UnwrapPrefixedKey(entry.EncryptionKey, entry.ProtectionClass, where);
            try
            {
                return new CbcDecryptingStream(stream, key, name: where);
            }
            finally
            {
                CryptographicOperations.ZeroMemory(key);
            }
        }
        catch
        {
            stream.Dispose();
            throw;
        }
    }

    /// <summary>The name of <paramref name="fileId"/>'s blob in the store (either layout), or null when absent.</summary>
    public string? BlobPath(string fileId)
    {
        ArgumentException.ThrowIfNullOrEmpty(fileId);
        if (fileId.Length < 3 || fileId.Any(c => !char.IsAsciiHexDigit(c)))
        {
            return null;
        }

        var preferred = BackupFileId.BlobPath(fileId, _nestedBlobs).Replace('\\', '/');
        if (_store.FileExists(preferred))
        {
            return preferred;
        }

        var other = BackupFileId.BlobPath(fileId, !_nestedBlobs).Replace('\\', '/');
        return _store.FileExists(other) ? other : null;
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _db?.Dispose();
        _keys?.Dispose();
        DeleteTemp(_tempManifest);
    }

    private static PlistDictionary? ReadPlist(IBackupStore store, string name)
    {
        if (!store.FileExists(name))
        {
            return null;
        }

        const long maxLength = 256L * 1024 * 1024;
        var length = store.GetLength(name);
        if (length > maxLength)
        {
            throw new BackupFormatException(BackupFormatError.CorruptManifest, name, $"the file is {length} bytes, more than the {maxLength} accepted");
        }

        try
        {
            using var stream = store.OpenRead(name);
            return PlistReader.Read(stream) as PlistDictionary
                ?? throw new BackupFormatException(BackupFormatError.CorruptManifest, name, "the plist's top object is not a dictionary");
        }
        catch (PlistFormatException e)
        {
            throw new BackupFormatException(BackupFormatError.CorruptManifest, name, $"the plist cannot be parsed: {e.Message}", e);
        }
    }

    private static bool HasSqliteHeader(IBackupStore store)
    {
        Span<byte> header = stackalloc byte[16];
        using var stream = store.OpenRead("Manifest.db");
        return stream.ReadAtLeast(header, 16, throwOnEndOfStream: false) == 16 && header.SequenceEqual(ManifestDbReader.SqliteHeader);
    }

    private static FileStream CreatePrivateTemp(out string temp) => RunTemp.CreateFile("manifest", ".db", out temp);

    /// <summary>A plain Manifest.db from a store that is not on disk: copied to an owner-only temp file for SQLite.</summary>
    private static string CopyToPrivateTemp(IBackupStore store)
    {
        string? temp = null;
        try
        {
            using (var output = CreatePrivateTemp(out temp))
            using (var input = store.OpenRead("Manifest.db"))
            {
                input.CopyTo(output, 1 << 20);
            }

            return temp;
        }
        catch
        {
            DeleteTemp(temp);
            throw;
        }
    }

    private static string DecryptManifest(IBackupStore store, byte[] manifestKey, ClassKeyRing keys)
    {
        var key = keys.UnwrapPrefixedKey(manifestKey, null, "Manifest.plist ManifestKey");
        string? temp = null;
        try
        {
            // The database is whole pages plus PKCS#7 padding; some writers (pyiosbackup) leave the padding out,
            // so a page-aligned ciphertext (a multiple of 512 bytes) is taken as unpadded.
            var padded = store.GetLength("Manifest.db") % 512 != 0;
            using (var output = CreatePrivateTemp(out temp))
            using (var input = new CbcDecryptingStream(store.OpenRead("Manifest.db"), key, name: "Manifest.db", removePadding: padded))
            {
                input.CopyTo(output, 1 << 20);
            }

            return temp;
        }
        catch (BackupFormatException e) when (e.Error == BackupFormatError.CorruptBlob)
        {
            DeleteTemp(temp);
            throw new BackupFormatException(BackupFormatError.CorruptManifest, "Manifest.db", $"the encrypted Manifest.db cannot be decrypted: {e.Message}", e);
        }
        catch
        {
            DeleteTemp(temp);
            throw;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(key);
        }
    }

    private static void DeleteTemp(string? temp)
    {
        if (temp is null)
        {
            return;
        }

        foreach (var file in new[] { temp, temp + "-wal", temp + "-shm", temp + "-journal" })
        {
            try
            {
                File.Delete(file);
            }
            catch (IOException)
            {
            }
            catch (UnauthorizedAccessException)
            {
            }
        }
    }
}
