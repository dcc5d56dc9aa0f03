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

    private static string[] Sqlite3(string database, string sql) =>
        ExternalTool.Run("sqlite3", [database, sql]).EnsureSuccess("sqlite3").StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries);
}
