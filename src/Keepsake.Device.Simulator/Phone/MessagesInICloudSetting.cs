using Keepsake.Plist;

namespace Keepsake.Device.Simulator.Phone;

/// <summary>
/// The phone's "Messages in iCloud" setting as iOS keeps it: the Messages preferences
/// (<c>HomeDomain/Library/Preferences/com.apple.madrid.plist</c>) with <c>CloudKitSyncingEnabled</c>,
/// and <c>CloudKitIsRemovedFromBackup</c> once the phone has taken its message store
/// (<c>HomeDomain/Library/SMS</c>) out of backups. The simulated phone honours the second key: it
/// then leaves that folder out of every backup it sends. See docs/design/backup-format.md for the
/// evidence behind these keys and how sure it is.
/// </summary>
public static class MessagesInICloudSetting
{
    public const string Domain = "HomeDomain";
    public const string PreferencesPath = "Library/Preferences/com.apple.madrid.plist";
    public const string SyncingEnabledKey = "CloudKitSyncingEnabled";
    public const string RemovedFromBackupKey = "CloudKitIsRemovedFromBackup";

    /// <summary>The message store folder the phone leaves out of backups when the setting says so.</summary>
    public const string MessagesFolder = "Library/SMS";

    /// <summary>Writes the setting into a phone folder, keeping any other keys of the preferences file.</summary>
    public static void Write(string phoneFolder, bool on)
    {
        ArgumentException.ThrowIfNullOrEmpty(phoneFolder);
        var path = Path.Combine(phoneFolder, Domain, PreferencesPath.Replace('/', Path.DirectorySeparatorChar));
        var preferences = Read(path) ?? new PlistDictionary();
        preferences[SyncingEnabledKey] = on;
        preferences[RemovedFromBackupKey] = on;
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var temp = path + ".partial";
        File.WriteAllBytes(temp, PlistWriter.ToBinary(preferences));
        File.Move(temp, path, overwrite: true);
    }

    /// <summary>Whether the phone has taken its message store out of backups (unreadable preferences count as no).</summary>
    public static bool RemovesMessagesFromBackup(PhoneContents phone)
    {
        ArgumentNullException.ThrowIfNull(phone);
        var preferences = Read(phone.Resolve(Domain, PreferencesPath));
        return preferences?.GetBoolean(RemovedFromBackupKey) == true;
    }

    /// <summary>Whether a phone file lies in the message store.</summary>
    public static bool IsInMessageStore(PhoneFile file)
    {
        ArgumentNullException.ThrowIfNull(file);
        return file.Domain == Domain
            && (file.RelativePath == MessagesFolder || file.RelativePath.StartsWith(MessagesFolder + "/", StringComparison.Ordinal));
    }

    private static PlistDictionary? Read(string path)
    {
        if (!File.Exists(path))
        {
            return null;
        }

        try
        {
            return PlistReader.Read(File.ReadAllBytes(path)) as PlistDictionary;
        }
        catch (PlistFormatException)
        {
            return null;
        }
    }
}
