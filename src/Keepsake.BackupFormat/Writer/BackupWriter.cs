using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using Keepsake.BackupFormat.Crypto;
using Keepsake.BackupFormat.Keybag;
using Keepsake.BackupFormat.Manifest;
using Keepsake.Plist;
using Microsoft.Data.Sqlite;

namespace Keepsake.BackupFormat.Writer;

/// <summary>
/// Writes an Apple-format backup folder (iOS 10.2+ layout), plain or encrypted: blobs at
/// <c>xx/fileID</c>, Manifest.db (encrypted with a class-4 ManifestKey when a password is set),
/// Manifest.plist with keybag, Status.plist and Info.plist. Files are streamed (and encrypted with a
/// fresh per-file key) as they are added; <see cref="Complete"/> writes the indexes and marks the
/// backup finished. See docs/design/backup-format.md, "Writing".
/// </summary>
public sealed class BackupWriter : IDisposable
{
    private const int ManifestKeyClass = 4;
    private const int DefaultFileClass = 3;

    private readonly string _folder;
    private readonly BackupWriterOptions _options;
    private readonly DateTimeOffset _date;
    private readonly string _stagingDb;
    private readonly SqliteConnection _db;
    private readonly SqliteTransaction _transaction;
    private readonly SqliteCommand _insert;
    private readonly Dictionary<int, byte[]> _classKeys = [];
    private readonly BackupKeybag _keybag;
    private readonly byte[] _buffer = new byte[1 << 20];
    private long _nextInode = 100_000;
    private bool _completed;
    private bool _disposed;

    private BackupWriter(string folder, BackupWriterOptions options)
    {
        _folder = folder;
        _options = options;
        _date = options.Date ?? DateTimeOffset.UtcNow;
        _keybag = options.Keybag is { } existing && IsEncrypted ? ReuseKeybag(existing) : CreateKeybag();
        _stagingDb = Path.Combine(folder, "Manifest.db" + BackupExtractor.PartialSuffix);
        CreateOwnerOnly(_stagingDb);
        _db = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = _stagingDb, Mode = SqliteOpenMode.ReadWrite, Pooling = false }.ToString());
        _db.Open();
        using (var schema = _db.CreateCommand())
        {
            schema.CommandText = """
                CREATE TABLE Files (fileID TEXT PRIMARY KEY, domain TEXT, relativePath TEXT, flags INTEGER, file BLOB);
                CREATE INDEX FilesDomainIdx ON Files(domain);
                CREATE INDEX FilesRelativePathIdx ON Files(relativePath);
                CREATE INDEX FilesFlagsIdx ON Files(flags);
                CREATE TABLE Properties (key TEXT PRIMARY KEY, value BLOB);
                """;
            schema.ExecuteNonQuery();
        }

        _transaction = _db.BeginTransaction();
        _insert = _db.CreateCommand();
        _insert.Transaction = _transaction;
        _insert.CommandText = "INSERT INTO Files (fileID, domain, relativePath, flags, file) VALUES ($id, $domain, $path, $flags, $file)";
        _insert.Parameters.Add("$id", SqliteType.Text);
        _insert.Parameters.Add("$domain", SqliteType.Text);
        _insert.Parameters.Add("$path", SqliteType.Text);
        _insert.Parameters.Add("$flags", SqliteType.Integer);
        _insert.Parameters.Add("$file", SqliteType.Blob);

        // Status.plist says "not finished" until Complete.
        WriteStatus("uploading");
    }

    /// <summary>Whether files are encrypted.</summary>
    public bool IsEncrypted => _options.Password is not null;

    /// <summary>
    /// Starts a backup in <paramref name="folder"/>, which must not exist or be empty. With a password,
    /// this derives the key (DPIC PBKDF2-SHA256 rounds: seconds at the iOS default).
    /// </summary>
    public static BackupWriter Create(string folder, BackupWriterOptions options)
    {
        ArgumentException.ThrowIfNullOrEmpty(folder);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrEmpty(options.Udid);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.Iterations, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.DoubleProtectionIterations, 1);
        var full = Path.GetFullPath(folder);
        if (Directory.Exists(full) && Directory.EnumerateFileSystemEntries(full).Any())
        {
            throw new IOException($"The backup folder '{full}' is not empty.");
        }

        Directory.CreateDirectory(full);
        return new BackupWriter(full, options);
    }

    /// <summary>Adds a directory row.</summary>
    public BackupEntry AddDirectory(string domain, string relativePath, BackupEntryMetadata? metadata = null) =>
        AddRow(domain, relativePath, BackupEntryKind.Directory, null, metadata, size: 0, key: null);

    /// <summary>Adds a symbolic-link row pointing at <paramref name="target"/>.</summary>
    public BackupEntry AddSymlink(string domain, string relativePath, string target, BackupEntryMetadata? metadata = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(target);
        return AddRow(domain, relativePath, BackupEntryKind.Symlink, target, metadata, size: 0, key: null);
    }

    /// <summary>Adds a regular file, streaming (and, if encrypted, encrypting) <paramref name="content"/> into its blob.</summary>
    public BackupEntry AddFile(string domain, string relativePath, Stream content, BackupEntryMetadata? metadata = null) =>
        AddFile(domain, relativePath, content, metadata, fileKey: default);

    /// <summary>
    /// Adds a regular file as <see cref="AddFile(string, string, Stream, BackupEntryMetadata?)"/> does; in an encrypted
    /// backup it is encrypted with <paramref name="fileKey"/> (32 bytes) instead of a fresh random key. With the same
    /// keybag (<see cref="BackupWriterOptions.Keybag"/>), the same key and content give the same blob and MBFile key, which
    /// is how a device leaves unchanged files alone in an incremental encrypted backup.
    /// </summary>
    public BackupEntry AddFile(string domain, string relativePath, Stream content, BackupEntryMetadata? metadata, ReadOnlySpan<byte> fileKey)
    {
        ArgumentNullException.ThrowIfNull(content);
        if (!fileKey.IsEmpty && fileKey.Length != 32)
        {
            throw new ArgumentException("A per-file key is 32 bytes.", nameof(fileKey));
        }
        Validate(domain, relativePath);
        var fileId = BackupFileId.Compute(domain, relativePath);
        var blobDir = Path.Combine(_folder, fileId[..2]);
        Directory.CreateDirectory(blobDir);
        var blob = Path.Combine(blobDir, fileId);
        var partial = blob + BackupExtractor.PartialSuffix;
        var protectionClass = metadata?.ProtectionClass ?? DefaultFileClass;
        byte[]? prefixedKey = null;
        long size = 0;
        try
        {
            using (var file = new FileStream(partial, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.SequentialScan))
            {
                if (IsEncrypted)
                {
                    if (!_classKeys.TryGetValue(protectionClass, out var classKey))
                    {
                        throw new ArgumentOutOfRangeException(nameof(metadata), protectionClass, "Protection classes run from 1 to 11.");
                    }

                    var key = fileKey.IsEmpty ? RandomNumberGenerator.GetBytes(32) : fileKey.ToArray();
                    try
                    {
                        prefixedKey = Prefixed(protectionClass, AesKeyWrap.Wrap(classKey, key));
                        using var encrypting = new CbcEncryptingStream(file, key, leaveOpen: true);
                        size = Copy(content, encrypting);
                    }
                    finally
                    {
                        CryptographicOperations.ZeroMemory(key);
                    }
                }
                else
                {
                    size = Copy(content, file);
                }
            }

            File.Move(partial, blob, overwrite: false);
            return AddRow(domain, relativePath, BackupEntryKind.File, null, metadata, size, prefixedKey, protectionClass);
        }
        catch
        {
            TryDelete(partial);
            throw;
        }
    }

    /// <summary>
    /// Adds a regular file's row without writing its blob, for a writer whose blobs go elsewhere (a device that sends
    /// each file as it reads it, or leaves alone a file the host already holds). <paramref name="size"/> is the content's
    /// length. In an encrypted backup <paramref name="fileKey"/> (32 bytes) is required: the blob must be the content
    /// encrypted with it, as <see cref="AddFile(string, string, Stream, BackupEntryMetadata?, ReadOnlySpan{byte})"/>
    /// writes it with the same key.
    /// </summary>
    public BackupEntry AddFileEntry(string domain, string relativePath, long size, BackupEntryMetadata? metadata, ReadOnlySpan<byte> fileKey)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(size);
        Validate(domain, relativePath);
        var protectionClass = metadata?.ProtectionClass ?? DefaultFileClass;
        if (!IsEncrypted)
        {
            return AddRow(domain, relativePath, BackupEntryKind.File, null, metadata, size, null, protectionClass);
        }

        if (fileKey.Length != 32)
        {
            throw new ArgumentException("An encrypted backup's file row needs the 32-byte key its blob is encrypted with.", nameof(fileKey));
        }

        if (!_classKeys.TryGetValue(protectionClass, out var classKey))
        {
            throw new ArgumentOutOfRangeException(nameof(metadata), protectionClass, "Protection classes run from 1 to 11.");
        }

        var key = fileKey.ToArray();
        try
        {
            return AddRow(domain, relativePath, BackupEntryKind.File, null, metadata, size, Prefixed(protectionClass, AesKeyWrap.Wrap(classKey, key)), protectionClass);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(key);
        }
    }

    /// <summary>Writes Manifest.db, Manifest.plist, Info.plist and finally Status.plist (SnapshotState "finished").</summary>
    public void Complete()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_completed)
        {
            throw new InvalidOperationException("The backup is already complete.");
        }

        _transaction.Commit();
        _insert.Dispose();
        _transaction.Dispose();
        _db.Close();
        _db.Dispose();
        var manifestDb = Path.Combine(_folder, "Manifest.db");
        byte[]? manifestKey = null;
        if (IsEncrypted)
        {
            var dbKey = RandomNumberGenerator.GetBytes(32);
            try
            {
                manifestKey = Prefixed(ManifestKeyClass, AesKeyWrap.Wrap(_classKeys[ManifestKeyClass], dbKey));
                using (var output = new FileStream(manifestDb, FileMode.CreateNew, FileAccess.Write))
                using (var encrypting = new CbcEncryptingStream(output, dbKey))
                using (var input = File.OpenRead(_stagingDb))
                {
                    input.CopyTo(encrypting, 1 << 20);
                }

                File.Delete(_stagingDb);
            }
            finally
            {
                CryptographicOperations.ZeroMemory(dbKey);
            }
        }
        else
        {
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(_stagingDb, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
            }

            File.Move(_stagingDb, manifestDb);
        }

        WriteInfo();
        WriteManifestPlist(manifestKey);
        WriteStatus("finished");
        _completed = true;
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        if (!_completed)
        {
            _insert.Dispose();
            _transaction.Dispose();
            _db.Dispose();
            TryDelete(_stagingDb);
        }

        foreach (var key in _classKeys.Values)
        {
            CryptographicOperations.ZeroMemory(key);
        }
    }

    private BackupEntry AddRow(string domain, string relativePath, BackupEntryKind kind, string? target, BackupEntryMetadata? metadata, long size, byte[]? key, int? protectionClass = null)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_completed)
        {
            throw new InvalidOperationException("The backup is already complete.");
        }

        Validate(domain, relativePath);
        var typeBits = kind switch { BackupEntryKind.Directory => 0x4000, BackupEntryKind.Symlink => 0xA000, _ => 0x8000 };
        var permissions = metadata?.Permissions ?? (kind == BackupEntryKind.File ? 0x1A4 : 0x1ED);
        var modified = metadata?.LastModified ?? _date;
        var entry = new BackupEntry
        {
            FileId = BackupFileId.Compute(domain, relativePath),
            Domain = domain,
            RelativePath = relativePath,
            Kind = kind,
            Size = size,
            Mode = typeBits | (permissions & 0xFFF),
            InodeNumber = metadata is { InodeNumber: > 0 } ? metadata.InodeNumber : _nextInode++,
            UserId = metadata?.UserId ?? 501,
            GroupId = metadata?.GroupId ?? 501,
            LastModified = TruncateToSeconds(modified),
            LastStatusChange = TruncateToSeconds(metadata?.LastStatusChange ?? modified),
            Birth = TruncateToSeconds(metadata?.Birth ?? modified),
            ProtectionClass = protectionClass ?? metadata?.ProtectionClass ?? 0,
            SymlinkTarget = target,
            EncryptionKey = key,
            Digest = metadata?.Digest,
            ExtendedAttributes = metadata?.ExtendedAttributes,
        };
        _insert.Parameters["$id"].Value = entry.FileId;
        _insert.Parameters["$domain"].Value = domain;
        _insert.Parameters["$path"].Value = relativePath;
        _insert.Parameters["$flags"].Value = (long)kind;
        _insert.Parameters["$file"].Value = PlistWriter.ToBinary(MbFileCodec.Encode(entry));
        try
        {
            _insert.ExecuteNonQuery();
        }
        catch (SqliteException e) when (e.SqliteErrorCode == 19)
        {
            throw new ArgumentException($"{domain}/{relativePath} was already added.", nameof(relativePath), e);
        }

        return entry;
    }

    private static void Validate(string domain, string relativePath)
    {
        ArgumentException.ThrowIfNullOrEmpty(domain);
        ArgumentNullException.ThrowIfNull(relativePath);
    }

    private static DateTimeOffset TruncateToSeconds(DateTimeOffset value) => DateTimeOffset.FromUnixTimeSeconds(value.ToUnixTimeSeconds());

    private long Copy(Stream source, Stream destination)
    {
        long total = 0;
        int n;
        while ((n = source.Read(_buffer, 0, _buffer.Length)) > 0)
        {
            destination.Write(_buffer, 0, n);
            total += n;
        }

        return total;
    }

    private static byte[] Prefixed(int protectionClass, byte[] wrapped)
    {
        var result = new byte[4 + wrapped.Length];
        BinaryPrimitives.WriteUInt32LittleEndian(result, (uint)protectionClass);
        wrapped.CopyTo(result, 4);
        return result;
    }

    private BackupKeybag ReuseKeybag(byte[] bytes)
    {
        var keybag = BackupKeybag.Parse(bytes, "BackupWriterOptions.Keybag");
        using var ring = keybag.Unlock(_options.Password!);
        for (var cls = 1; cls <= 11; cls++)
        {
            if (ring.HasClass(cls))
            {
                _classKeys[cls] = (byte[])ring.GetClassKey(cls).Clone();
            }
        }

        if (!_classKeys.ContainsKey(ManifestKeyClass))
        {
            throw new BackupFormatException(BackupFormatError.CorruptKeybag, "BackupWriterOptions.Keybag", $"the keybag has no usable key for protection class {ManifestKeyClass} (the ManifestKey's)");
        }

        return keybag;
    }

    private BackupKeybag CreateKeybag()
    {
        var salt = RandomNumberGenerator.GetBytes(20);
        var dpsl = RandomNumberGenerator.GetBytes(20);
        var header = new List<KeybagTag>
        {
            KeybagTag.FromUInt32("VERS", 4),
            KeybagTag.FromUInt32("TYPE", 1),
            new("UUID", Guid.NewGuid().ToByteArray(bigEndian: true)),
            new("HMCK", new byte[40]),
            KeybagTag.FromUInt32("WRAP", 0),
            new("SALT", salt),
            KeybagTag.FromUInt32("ITER", (uint)_options.Iterations),
            KeybagTag.FromUInt32("DPWT", 1),
            KeybagTag.FromUInt32("DPIC", (uint)_options.DoubleProtectionIterations),
            new("DPSL", dpsl),
        };

        // A plain backup still carries a keybag (as iOS writes one); its keys are wrapped under a random, discarded secret.
        using var secret = _options.Password is { } p ? Primitives.Secret.FromBytes(p.RevealUtf8()) : Primitives.Secret.FromBytes(RandomNumberGenerator.GetBytes(32));
        var iterations = IsEncrypted ? _options.Iterations : 1;
        var kek = BackupKeyDerivation.DeriveKek(secret, salt, iterations, dpsl, IsEncrypted ? _options.DoubleProtectionIterations : 1);
        if (!IsEncrypted)
        {
            header[6] = KeybagTag.FromUInt32("ITER", 1);
            header[8] = KeybagTag.FromUInt32("DPIC", 1);
        }

        try
        {
            var classes = new List<IReadOnlyList<KeybagTag>>();
            for (var cls = 1; cls <= 11; cls++)
            {
                var classKey = RandomNumberGenerator.GetBytes(32);
                _classKeys[cls] = classKey;
                classes.Add(
                [
                    new KeybagTag("UUID", Guid.NewGuid().ToByteArray(bigEndian: true)),
                    KeybagTag.FromUInt32("CLAS", (uint)cls),
                    KeybagTag.FromUInt32("WRAP", KeybagClassKey.WrapPassword),
                    KeybagTag.FromUInt32("KTYP", 0),
                    new KeybagTag("WPKY", AesKeyWrap.Wrap(kek, classKey)),
                ]);
            }

            return BackupKeybag.Create(header, classes);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(kek);
        }
    }

    private PlistDictionary Lockdown() => new()
    {
        ["BuildVersion"] = _options.BuildVersion,
        ["DeviceName"] = _options.DeviceName,
        ["ProductType"] = _options.ProductType,
        ["ProductVersion"] = _options.ProductVersion,
        ["SerialNumber"] = _options.SerialNumber,
        ["UniqueDeviceID"] = _options.Udid,
    };

    private void WriteManifestPlist(byte[]? manifestKey)
    {
        var manifest = new PlistDictionary
        {
            ["BackupKeyBag"] = _keybag.ToBytes(),
            ["Lockdown"] = Lockdown(),
            ["SystemDomainsVersion"] = _options.SystemDomainsVersion,
            ["Version"] = "10.0",
            ["Date"] = _date,
            ["WasPasscodeSet"] = _options.WasPasscodeSet,
            ["IsEncrypted"] = IsEncrypted,
            ["Applications"] = new PlistDictionary(),
        };
        if (manifestKey is not null)
        {
            manifest["ManifestKey"] = manifestKey;
        }

        WritePlist("Manifest.plist", PlistWriter.ToBinary(manifest));
    }

    private void WriteInfo()
    {
        var info = new PlistDictionary
        {
            ["Applications"] = new PlistDictionary(),
            ["Build Version"] = _options.BuildVersion,
            ["Device Name"] = _options.DeviceName,
            ["Display Name"] = _options.DeviceName,
            ["GUID"] = Convert.ToHexString(RandomNumberGenerator.GetBytes(16)),
            ["Installed Applications"] = new PlistArray(),
            ["Last Backup Date"] = _date,
            ["Product Type"] = _options.ProductType,
            ["Product Version"] = _options.ProductVersion,
            ["Serial Number"] = _options.SerialNumber,
            ["Target Identifier"] = _options.Udid,
            ["Target Type"] = "Device",
            ["Unique Identifier"] = _options.Udid.ToUpperInvariant(),
            ["iTunes Files"] = new PlistDictionary(),
            ["iTunes Settings"] = new PlistDictionary(),
        };
        WritePlist("Info.plist", PlistWriter.ToXml(info));
    }

    private void WriteStatus(string snapshotState)
    {
        var status = new PlistDictionary
        {
            ["IsFullBackup"] = _options.IsFullBackup,
            ["Version"] = "3.3",
            ["UUID"] = Guid.NewGuid().ToString().ToUpper(CultureInfo.InvariantCulture),
            ["Date"] = _date,
            ["BackupState"] = "new",
            ["SnapshotState"] = snapshotState,
        };
        WritePlist("Status.plist", PlistWriter.ToBinary(status));
    }

    private void WritePlist(string name, byte[] bytes)
    {
        var path = Path.Combine(_folder, name);
        var partial = path + BackupExtractor.PartialSuffix;
        File.WriteAllBytes(partial, bytes);
        File.Move(partial, path, overwrite: true);
    }

    private static void CreateOwnerOnly(string path)
    {
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using var _ = new FileStream(path, options);
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }
    }
}
