using Keepsake.Device.Simulator.Phone;
using Keepsake.TestKit;
using Microsoft.Data.Sqlite;

namespace Keepsake.Device.Tests.Simulator;

public sealed class BuiltInPhoneTests
{
    [ToolFact("sqlite3")]
    public void Generate_Default_SmsDbReadableBySqlite3WithConversations()
    {
        using var temp = new TempDirectory("keepsake-phone");
        BuiltInPhone.Generate(temp.Path);
        var db = temp.Combine("HomeDomain", "Library", "SMS", "sms.db");
        var result = ExternalTool.Run("sqlite3", [db, "SELECT count(*) FROM chat; SELECT count(*) FROM message; PRAGMA integrity_check;"], TimeSpan.FromSeconds(30)).EnsureSuccess("sqlite3");
        Assert.Equal(["3", "9", "ok"], result.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public void Generate_Default_HasContactsCallsNotesAndPngPhotos()
    {
        using var temp = new TempDirectory("keepsake-phone");
        BuiltInPhone.Generate(temp.Path);
        Assert.Equal(3L, Scalar(temp.Combine("HomeDomain", "Library", "AddressBook", "AddressBook.sqlitedb"), "SELECT count(*) FROM ABPerson"));
        Assert.Equal(4L, Scalar(temp.Combine("HomeDomain", "Library", "CallHistoryDB", "CallHistory.storedata"), "SELECT count(*) FROM ZCALLRECORD"));
        Assert.Equal(2L, Scalar(temp.Combine("AppDomainGroup-group.com.apple.notes", "NoteStore.sqlite"), "SELECT count(*) FROM ZICNOTEDATA"));
        var photos = Directory.GetFiles(temp.Combine("CameraRollDomain", "Media", "DCIM", "100APPLE"));
        Assert.Equal(3, photos.Length);
        Assert.All(photos, p => Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, File.ReadAllBytes(p)[..4]));
    }

    private static long Scalar(string path, string sql)
    {
        using var connection = new SqliteConnection($"Data Source={path};Mode=ReadOnly;Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return (long)command.ExecuteScalar()!;
    }
}
