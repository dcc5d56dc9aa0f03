namespace Keepsake.BackupFormat.Tests;

public sealed class BackupCategoriesTests
{
    [Theory]
    [InlineData("CameraRollDomain", "Media/DCIM/100APPLE/IMG_0042.HEIC", BackupCategory.Photos)]
    [InlineData("CameraRollDomain", "Media/PhotoData/Photos.sqlite", BackupCategory.Photos)]
    [InlineData("MediaDomain", "Media/DCIM/100APPLE/IMG_0001.JPG", BackupCategory.Photos)]
    [InlineData("HomeDomain", "Library/SMS/sms.db", BackupCategory.Messages)]
    [InlineData("MediaDomain", "Library/SMS/Attachments/ab/12/IMG_1.jpeg", BackupCategory.Messages)]
    [InlineData("HomeDomain", "Library/SMSX/other.db", BackupCategory.System)]
    [InlineData("HomeDomain", "Library/AddressBook/AddressBook.sqlitedb", BackupCategory.Contacts)]
    [InlineData("HomeDomain", "Library/CallHistoryDB/CallHistory.storedata", BackupCategory.Calls)]
    [InlineData("WirelessDomain", "Library/CallHistory/call_history.db", BackupCategory.Calls)]
    [InlineData("AppDomainGroup-group.com.apple.notes", "NoteStore.sqlite", BackupCategory.Notes)]
    [InlineData("HomeDomain", "Library/Voicemail/voicemail.db", BackupCategory.Voicemail)]
    [InlineData("HomeDomain", "Library/Calendar/Calendar.sqlitedb", BackupCategory.Calendar)]
    [InlineData("HomeDomain", "Library/Safari/Bookmarks.db", BackupCategory.Safari)]
    [InlineData("AppDomain-com.apple.mobilesafari", "Library/Safari/History.db", BackupCategory.Safari)]
    [InlineData("AppDomainGroup-group.net.whatsapp.WhatsApp.shared", "ChatStorage.sqlite", BackupCategory.WhatsApp)]
    [InlineData("AppDomain-com.example.app", "Documents/a.bin", BackupCategory.Apps)]
    [InlineData("AppDomainPlugin-com.example.widget", "Library/b", BackupCategory.Apps)]
    [InlineData("HomeDomain", "Library/Preferences/com.apple.springboard.plist", BackupCategory.System)]
    [InlineData("KeychainDomain", "keychain-backup.plist", BackupCategory.System)]
    public void Of_WellKnownPlaces_AreTheirCategory(string domain, string path, BackupCategory expected) =>
        Assert.Equal(expected, BackupCategories.Of(domain, path));
}
