using Keepsake.BackupFormat;
using Keepsake.Engine.Databases;
using Keepsake.Plist;
using Microsoft.Data.Sqlite;

namespace Keepsake.Engine.DeviceBackup;

/// <summary>
/// Tells, from a finished backup, whether the phone uses "Messages in iCloud" and what that means
/// for the messages in the backup. The signal is the phone's Messages preferences,
/// <c>HomeDomain/Library/Preferences/com.apple.madrid.plist</c>: <c>CloudKitSyncingEnabled</c> (on)
/// and <c>CloudKitIsRemovedFromBackup</c> (the message store was taken out of backups). The backup's
/// own message database (<c>HomeDomain/Library/SMS/sms.db</c>: absent, empty, or how many messages)
/// says what actually got in. docs/design/backup-format.md gives the evidence and how sure it is.
/// </summary>
public static class MessagesInICloudCheck
{
    public const string PreferencesDomain = "HomeDomain";
    public const string PreferencesPath = "Library/Preferences/com.apple.madrid.plist";
    public const string SyncingEnabledKey = "CloudKitSyncingEnabled";
    public const string RemovedFromBackupKey = "CloudKitIsRemovedFromBackup";
    public const string MessagesPath = "Library/SMS/sms.db";

    /// <summary>A preferences file larger than 4 MiB is not a preferences file.</summary>
    private static readonly PlistReaderOptions PreferencesLimit = new() { MaxInputBytes = 4 << 20 };

    /// <summary>
    /// Reads the backup's Messages preferences, and when Messages in iCloud is on, counts the messages in its
    /// message database (<see cref="MessagesInICloudReport.MessagesInBackup"/> stays null otherwise); never throws
    /// for their content.
    /// </summary>
    public static MessagesInICloudReport Inspect(IBackupFileSource source)
    {
        ArgumentNullException.ThrowIfNull(source);
        bool? enabled = false;
        var removed = false;
        var preferences = source.FindEntry(PreferencesDomain, PreferencesPath);
        if (preferences is { Kind: BackupEntryKind.File })
        {
            try
            {
                var plist = ReadPlist(source, preferences);
                enabled = plist?.GetBoolean(SyncingEnabledKey) == true;
                removed = plist?.GetBoolean(RemovedFromBackupKey) == true;
            }
            catch (Exception e) when (e is PlistFormatException or BackupFormatException or IOException or InvalidDataException)
            {
                return new MessagesInICloudReport { Enabled = null, NotCheckedReason = $"the Messages preferences in the backup are unreadable ({e.Message})" };
            }
        }

        // The count only matters to the notice: the database (perhaps gigabytes, perhaps encrypted) is copied
        // and opened only when Messages in iCloud is on.
        var database = source.FindEntry(PreferencesDomain, MessagesPath);
        long? messages = null;
        if (enabled == true && database is { Kind: BackupEntryKind.File })
        {
            try
            {
                using var copy = BackupDatabaseCopy.Open(source, database);
                messages = copy.HasTable("message") ? copy.CountRows("message") : 0;
            }
            catch (Exception e) when (e is SqliteException or BackupFormatException or IOException or InvalidDataException)
            {
                messages = null;
            }
        }

        var hasDatabase = database is { Kind: BackupEntryKind.File };
        return new MessagesInICloudReport
        {
            Enabled = enabled,
            RemovedFromBackup = removed,
            HasMessageDatabase = hasDatabase,
            MessagesInBackup = messages,
            Notice = enabled == true ? Notice(hasDatabase, messages) : null,
        };
    }

    /// <summary>The report for a backup that could not be opened (encrypted, no password given).</summary>
    public static MessagesInICloudReport NotChecked(string reason) => new() { Enabled = null, NotCheckedReason = reason };

    private static string Notice(bool hasDatabase, long? messages)
    {
        const string Lead = "Messages in iCloud is on for this phone";
        const string Fix = "To keep your messages in these backups, turn off Messages in iCloud on the phone (Settings > your name > iCloud > Messages), let it download them, and back up again.";
        return (hasDatabase, messages) switch
        {
            (false, _) => $"{Lead}, and the phone left its messages out of this backup: they are only in iCloud. {Fix}",
            (true, 0) => $"{Lead}, and this backup's message database holds no messages: they are only in iCloud. {Fix}",
            (true, null) => $"{Lead}; this backup's message database could not be read, so it may hold no messages. {Fix}",
            (true, { } count) => $"{Lead}: this backup holds the {count} messages stored on the phone; messages and attachments kept only in iCloud are not in it.",
        };
    }

    private static PlistDictionary? ReadPlist(IBackupFileSource source, BackupEntry entry)
    {
        using var stream = source.OpenRead(entry);
        return PlistReader.Read(stream, PreferencesLimit) as PlistDictionary;
    }
}
