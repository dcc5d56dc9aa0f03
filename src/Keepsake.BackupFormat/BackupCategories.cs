namespace Keepsake.BackupFormat;

/// <summary>
/// Sorts backup files into <see cref="BackupCategory"/> by domain and path (see docs/design/backup-format.md,
/// "Domains and well-known files"). Pure: no file is read.
/// </summary>
public static class BackupCategories
{
    private const string WhatsAppGroup = "AppDomainGroup-group.net.whatsapp.WhatsApp.shared";
    private const string NotesGroup = "AppDomainGroup-group.com.apple.notes";

    /// <summary>The category of the file at <paramref name="relativePath"/> in <paramref name="domain"/>.</summary>
    public static BackupCategory Of(string domain, string relativePath)
    {
        ArgumentNullException.ThrowIfNull(domain);
        ArgumentNullException.ThrowIfNull(relativePath);
        if (domain == "CameraRollDomain" || (domain == "MediaDomain" && Under(relativePath, "Media/DCIM")) || Under(relativePath, "Media/PhotoData"))
        {
            return BackupCategory.Photos;
        }

        if (domain is "HomeDomain" or "MediaDomain" && Under(relativePath, "Library/SMS"))
        {
            return BackupCategory.Messages;
        }

        if (domain == WhatsAppGroup || domain.StartsWith("AppDomain-net.whatsapp.", StringComparison.Ordinal))
        {
            return BackupCategory.WhatsApp;
        }

        if (domain == NotesGroup || (domain == "HomeDomain" && Under(relativePath, "Library/Notes")))
        {
            return BackupCategory.Notes;
        }

        if (domain == "HomeDomain")
        {
            if (Under(relativePath, "Library/AddressBook"))
            {
                return BackupCategory.Contacts;
            }

            if (Under(relativePath, "Library/CallHistoryDB"))
            {
                return BackupCategory.Calls;
            }

            if (Under(relativePath, "Library/Voicemail"))
            {
                return BackupCategory.Voicemail;
            }

            if (Under(relativePath, "Library/Calendar"))
            {
                return BackupCategory.Calendar;
            }

            if (Under(relativePath, "Library/Safari"))
            {
                return BackupCategory.Safari;
            }
        }

        if (domain == "WirelessDomain" && Under(relativePath, "Library/CallHistory"))
        {
            return BackupCategory.Calls;
        }

        if (domain.StartsWith("AppDomain-com.apple.mobilesafari", StringComparison.Ordinal))
        {
            return BackupCategory.Safari;
        }

        return domain.StartsWith("AppDomain", StringComparison.Ordinal) ? BackupCategory.Apps : BackupCategory.System;
    }

    private static bool Under(string path, string folder) =>
        path.Length == folder.Length ? path == folder
            : path.Length > folder.Length && path[folder.Length] == '/' && path.StartsWith(folder, StringComparison.Ordinal);
}
