using System.Globalization;
using System.Text.RegularExpressions;
using Keepsake.Export.Tests.Support;
using Keepsake.TestKit;

namespace Keepsake.Export.Tests.WhatsApp;

public sealed partial class WhatsAppExporterTests
{
    private const string Fixture = "ileapp-public-images/whatsapp-chatstorage-hickman-ios15.3.1/ChatStorage.sqlite";

    [GeneratedRegex(@"^\[\d{4}-\d\d-\d\d \d\d:\d\d:\d\d [+-]\d\d:\d\d\] .+ via WhatsApp:$", RegexOptions.Multiline)]
    private static partial Regex MessageHeader();

    [ToolFact("sqlite3")]
    public async Task ExportAsync_Txt_EveryChatHasItsMessagesAsSqlite3CountsThem()
    {
        if (!Fixtures.Exists(Fixture))
        {
            Assert.True(Fixtures.Root is null, $"fixture {Fixture} missing");
            return;
        }

        using var temp = new TempDirectory();
        var copy = Fixtures.CopySqlite(Fixture, temp);
        var zone = TimeZoneInfo.FindSystemTimeZoneById("America/New_York");
        var result = await ExportRunner.RunAsync(ExportKind.WhatsApp, copy, temp.Combine("out"), new ExportOptions { Format = "txt", TimeZone = zone });

        var perChat = Sqlite3(copy, "SELECT ZCHATSESSION || '|' || COUNT(*) FROM ZWAMESSAGE GROUP BY ZCHATSESSION")
            .Select(l => l.Split('|')).ToDictionary(p => p[0], p => int.Parse(p[1], CultureInfo.InvariantCulture));
        Assert.Equal(perChat.Values.Sum(), result.Counts["messages"]);
        var files = Directory.GetFiles(temp.Combine("out"), "*.txt");
        Assert.Equal(int.Parse(Sqlite3(copy, "SELECT COUNT(*) FROM ZWACHATSESSION")[0], CultureInfo.InvariantCulture), files.Length);
        foreach (var (chat, count) in perChat)
        {
            var text = File.ReadAllText(files.Single(f => f.EndsWith($"[{chat}].txt", StringComparison.Ordinal)));
            Assert.StartsWith("Conversation: ", text, StringComparison.Ordinal);
            Assert.Contains("Times: America/New_York", text, StringComparison.Ordinal);
            Assert.Equal(count, MessageHeader().Matches(text).Count);
        }

        // Every stored text is in its chat's file, indented under its header.
        var all = string.Concat(files.Select(File.ReadAllText));
        foreach (var line in Sqlite3(copy, "SELECT ZTEXT FROM ZWAMESSAGE WHERE ZTEXT IS NOT NULL AND ZTEXT <> ''"))
        {
            Assert.Contains("    " + line, all, StringComparison.Ordinal);
        }
    }

    [ToolFact("sqlite3")]
    public async Task ExportAsync_Txt_LocationsMembersAndSystemRowsAsSqlite3HasThem()
    {
        if (!Fixtures.Exists(Fixture))
        {
            Assert.True(Fixtures.Root is null, $"fixture {Fixture} missing");
            return;
        }

        using var temp = new TempDirectory();
        var copy = Fixtures.CopySqlite(Fixture, temp);
        await ExportRunner.RunAsync(ExportKind.WhatsApp, copy, temp.Combine("out"), new ExportOptions { Format = "txt", TimeZone = TimeZoneInfo.Utc });
        string Chat(string id) => File.ReadAllText(Directory.GetFiles(temp.Combine("out"), "*.txt").Single(f => f.EndsWith($"[{id}].txt", StringComparison.Ordinal)));

        // Locations: every type-5 row's coordinates, as sqlite3 prints them, and no missing attachment in their place.
        var locations = Sqlite3(copy, "SELECT m.ZCHATSESSION || '|' || printf('%.6f, %.6f', mi.ZLATITUDE, mi.ZLONGITUDE) FROM ZWAMESSAGE m JOIN ZWAMEDIAITEM mi ON mi.Z_PK = m.ZMEDIAITEM WHERE m.ZMESSAGETYPE = 5");
        Assert.NotEmpty(locations);
        foreach (var row in locations.Select(l => l.Split('|')))
        {
            var text = Chat(row[0]);
            Assert.Contains($"Location: {row[1]} https://www.openstreetmap.org/", text, StringComparison.Ordinal);
            var media = int.Parse(Sqlite3(copy, $"SELECT COUNT(*) FROM ZWAMESSAGE m JOIN ZWAMEDIAITEM mi ON mi.Z_PK = m.ZMEDIAITEM WHERE m.ZCHATSESSION = {row[0]} AND m.ZMESSAGETYPE <> 5 AND (mi.ZMEDIALOCALPATH IS NOT NULL OR m.ZMESSAGETYPE <> 0)")[0], CultureInfo.InvariantCulture);
            Assert.Equal(media, Regex.Matches(text, "^    Attachment: ", RegexOptions.Multiline).Count);
        }

        // Group chats list their members (ZWAGROUPMEMBER), each by JID.
        var groups = Sqlite3(copy, "SELECT Z_PK FROM ZWACHATSESSION WHERE ZSESSIONTYPE = 1");
        Assert.NotEmpty(groups);
        foreach (var group in groups)
        {
            var participants = Chat(group).Split('\n').Single(l => l.StartsWith("Participants: ", StringComparison.Ordinal));
            var members = Sqlite3(copy, $"SELECT DISTINCT ZMEMBERJID FROM ZWAGROUPMEMBER WHERE ZCHATSESSION = {group}");
            Assert.NotEmpty(members);
            Assert.All(members, jid => Assert.Contains(jid, participants, StringComparison.Ordinal));
        }

        // System rows are in words and are not attributed to the group's own id.
        var all = string.Concat(Directory.GetFiles(temp.Combine("out"), "*.txt").Select(File.ReadAllText));
        Assert.DoesNotContain("system message (type", all, StringComparison.Ordinal);
        Assert.DoesNotMatch(@"\] [^\n]*@g\.us[^\n]* via WhatsApp:", all);
        var notices = int.Parse(Sqlite3(copy, "SELECT COUNT(*) FROM ZWAMESSAGE WHERE ZMESSAGETYPE = 10")[0], CultureInfo.InvariantCulture);
        Assert.Equal(notices, Regex.Matches(all, @"\(Messages and calls are end-to-end encrypted\.\)").Count);
        foreach (var row in Sqlite3(copy, "SELECT m.ZCHATSESSION || '|' || s.ZPARTNERNAME FROM ZWAMESSAGE m JOIN ZWACHATSESSION s ON s.Z_PK = m.ZCHATSESSION WHERE m.ZMESSAGETYPE = 6 AND m.ZGROUPEVENTTYPE = 12").Select(l => l.Split('|')))
        {
            var name = Regex.Escape(row[1]);
            Assert.Matches($"created group \u201C{name}\u201D|Group \u201C{name}\u201D created", Chat(row[0]));
        }
    }

    private static string[] Sqlite3(string database, string sql) =>
        ExternalTool.Run("sqlite3", [database, sql]).EnsureSuccess("sqlite3").StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries);
}
