using Keepsake.Plist;
using Keepsake.Primitives;

namespace Keepsake.Device.Simulator.State;

/// <summary>
/// What the simulated iPhone remembers across restarts: paired hosts (by HostID), the backup
/// encryption setting and password, and per-backup bookkeeping of what it last sent. Thread-safe.
/// </summary>
internal sealed class DeviceStateStore
{
    private readonly string _folder;
    private readonly Lock _lock = new();
    private readonly PlistDictionary _pairings;
    private readonly PlistDictionary _settings;

    public DeviceStateStore(string folder)
    {
        _folder = folder;
        Directory.CreateDirectory(folder);
        _pairings = Load("pairings.plist");
        _settings = Load("settings.plist");
    }

    public bool IsPaired(string hostId)
    {
        lock (_lock)
        {
            return _pairings.ContainsKey(hostId);
        }
    }

    public byte[]? EscrowBag(string hostId)
    {
        lock (_lock)
        {
            return _pairings.GetDictionary(hostId)?.GetData("EscrowBag");
        }
    }

    public void AddPairing(string hostId, PlistDictionary record)
    {
        lock (_lock)
        {
            _pairings[hostId] = record;
            Save("pairings.plist", _pairings);
        }
    }

    public void RemovePairing(string hostId)
    {
        lock (_lock)
        {
            _pairings.Remove(hostId);
            Save("pairings.plist", _pairings);
        }
    }

    /// <summary>The backup password when encryption is on, else null. A new password drops the backup keybag.</summary>
    public string? BackupPassword
    {
        get => (GetSetting("BackupPassword") as PlistString)?.Value;
        set => SetSettings(("BackupPassword", value is null ? null : new PlistString(value)), ("BackupKeybag", null)); // a new keybag, so a full backup next time
    }

    /// <summary>
    /// The keybag of the encrypted backups made under the current password (Manifest.plist BackupKeyBag), kept
    /// so that incremental encrypted backups reuse the class keys; null until the first encrypted backup.
    /// </summary>
    public byte[]? BackupKeybag
    {
        get => (GetSetting("BackupKeybag") as PlistData)?.Value;
        set => SetSettings(("BackupKeybag", value is null ? null : new PlistData(value)));
    }

    private PlistNode? GetSetting(string key)
    {
        lock (_lock)
        {
            return _settings.TryGetValue(key, out var value) ? value : null;
        }
    }

    /// <summary>Sets (or, for null, removes) settings and saves them, as one change.</summary>
    private void SetSettings(params (string Key, PlistNode? Value)[] changes)
    {
        lock (_lock)
        {
            foreach (var (key, value) in changes)
            {
                if (value is null)
                {
                    _settings.Remove(key);
                }
                else
                {
                    _settings[key] = value;
                }
            }

            Save("settings.plist", _settings);
        }
    }

    /// <summary>
    /// A random secret of this device from which per-file backup keys are derived (with the file and its content),
    /// so an unchanged file keeps its key, and its encrypted blob, from one encrypted backup to the next.
    /// </summary>
    public byte[] FileKeySeed
    {
        get
        {
            lock (_lock)
            {
                if (_settings.GetData("FileKeySeed") is not { Length: 32 } seed)
                {
                    seed = System.Security.Cryptography.RandomNumberGenerator.GetBytes(32);
                    _settings["FileKeySeed"] = seed;
                    Save("settings.plist", _settings);
                }

                return seed;
            }
        }
    }

    /// <summary>The record of what was sent for a backup UUID (fileID → content digest), or null.</summary>
    public PlistDictionary? LoadBackupRecord(string backupUuid)
    {
        var path = BackupRecordPath(backupUuid);
        return path is not null && File.Exists(path) ? PlistReader.Read(File.ReadAllBytes(path)).AsDictionary() : null;
    }

    public void SaveBackupRecord(string backupUuid, PlistDictionary record)
    {
        var path = BackupRecordPath(backupUuid) ?? throw new ArgumentException("Bad backup UUID.", nameof(backupUuid));
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, PlistWriter.ToBinary(record));
    }

    private string? BackupRecordPath(string uuid) =>
        Guid.TryParse(uuid, out var g) ? Path.Combine(_folder, "backups", g.ToString("N") + ".plist") : null;

    private PlistDictionary Load(string name)
    {
        var path = Path.Combine(_folder, name);
        return File.Exists(path) ? PlistReader.Read(File.ReadAllBytes(path)).AsDictionary() : new PlistDictionary();
    }

    private void Save(string name, PlistDictionary value)
    {
        var path = Path.Combine(_folder, name);
        OwnerOnlyFile.WriteAllBytes(path, PlistWriter.ToBinary(value));
    }
}
