namespace Keepsake.BackupFormat;

/// <summary>What a file in a backup is, in the terms a person uses ("photos", "messages"), from its domain and path.</summary>
public enum BackupCategory
{
    /// <summary>Camera roll and photo library: <c>CameraRollDomain</c>, <c>MediaDomain Media/DCIM</c>, <c>Media/PhotoData</c>.</summary>
    Photos,

    /// <summary>Messages: <c>HomeDomain Library/SMS</c> and the attachments under <c>MediaDomain Library/SMS</c>.</summary>
    Messages,

    /// <summary>Contacts: <c>HomeDomain Library/AddressBook</c>.</summary>
    Contacts,

    /// <summary>Call history: <c>HomeDomain Library/CallHistoryDB</c> (and the older <c>WirelessDomain</c> call database).</summary>
    Calls,

    /// <summary>Notes: the notes app group and <c>HomeDomain Library/Notes</c>.</summary>
    Notes,

    /// <summary>Voicemail: <c>HomeDomain Library/Voicemail</c>.</summary>
    Voicemail,

    /// <summary>Calendar: <c>HomeDomain Library/Calendar</c>.</summary>
    Calendar,

    /// <summary>Safari history and bookmarks.</summary>
    Safari,

    /// <summary>WhatsApp's shared app group.</summary>
    WhatsApp,

    /// <summary>Other apps' data: <c>AppDomain-</c>, <c>AppDomainGroup-</c>, <c>AppDomainPlugin-</c>.</summary>
    Apps,

    /// <summary>Settings and everything else of the system.</summary>
    System,
}
