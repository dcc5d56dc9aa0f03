using System.Globalization;
using System.Text.Json;
using Keepsake.Export.Messages;
using Keepsake.TestKit;

namespace Keepsake.Export.Tests.Messages;

/// <summary>Issue 5: the numbers exported equal what the real sqlite3 CLI counts in the same database.</summary>
public sealed class MessagesExporterCountsTests
{
    /// <summary>Every Messages database among the shared fixtures.</summary>
    internal static readonly string[] FixtureDatabases =
    [
        "magnet-ctf2020-smsdb/sms.db",
        "imessage-exporter-blobs/db/test.db",
        "langchain-imessage-chatdb/imessage_chat.db",
        "langchain-imessage-chatdb/imessage_chat_upgrade_osx_11.db",
        "plaso-apple-dbs/imessage_chat.db",
    ];

    public static TheoryData<string> Databases() => new(FixtureDatabases);

    /// <summary>Databases whose every attributedBody decodes (docs/design/exporters.md §1.8).</summary>
    private static readonly HashSet<string> BodiesDecodeCleanly = ["magnet-ctf2020-smsdb/sms.db", "imessage-exporter-blobs/db/test.db"];

    /// <summary>One case per fixture, so a failure in one database does not hide the others.</summary>
    [ToolTheory("sqlite3")]
    [MemberData(nameof(Databases))]
    public async Task Export_FixtureDatabase_CountsEqualSqlite3(string database)
    {
        if (Fixtures.Root is null)
        {
            return; // no shared fixtures beside the project at all (a fresh clone elsewhere)
        }

        await CheckCountsAsync(database);
    }

    private static async Task CheckCountsAsync(string database)
    {
        using var temp = new TempDirectory();
        var copy = Fixtures.CopySqlite(database, temp);
        var tables = Sqlite3(copy, "SELECT group_concat(name, ' ') FROM sqlite_master WHERE type = 'table'").Split(' ');
        var expectedMessages = long.Parse(Sqlite3(copy, "SELECT COUNT(*) FROM message"), CultureInfo.InvariantCulture);
        var hasChat = tables.Contains("chat");
        var hasJoin = tables.Contains("chat_message_join");
        var chatQuery = (hasChat, hasJoin) switch
        {
            (true, true) => "SELECT COUNT(*) FROM (SELECT ROWID FROM chat UNION SELECT chat_id FROM chat_message_join)",
            (false, true) => "SELECT COUNT(DISTINCT chat_id) FROM chat_message_join",
            (true, false) => "SELECT COUNT(*) FROM chat",
            _ => "SELECT 0",
        };
        var expectedChats = long.Parse(Sqlite3(copy, chatQuery), CultureInfo.InvariantCulture);
        var orphans = hasJoin
            ? long.Parse(Sqlite3(copy, "SELECT COUNT(*) FROM message WHERE ROWID NOT IN (SELECT message_id FROM chat_message_join)"), CultureInfo.InvariantCulture)
            : expectedMessages;
        var expectedAttachments = tables.Contains("message_attachment_join") && tables.Contains("attachment")
            ? long.Parse(Sqlite3(copy, "SELECT COUNT(DISTINCT j.attachment_id) FROM message_attachment_join j JOIN attachment a ON a.ROWID = j.attachment_id JOIN message m ON m.ROWID = j.message_id"), CultureInfo.InvariantCulture)
            : 0;

        using var output = new TempDirectory();
        using var db = MessagesDatabase.Open(Fixtures.Path(database.Split('/')));
        var result = await new MessagesExporter(db).ExportAsync(output.Path, new MessagesExportOptions { Format = MessageFormat.Json });

        Assert.True(expectedMessages == result.Messages, $"{database}: sqlite3 counts {expectedMessages} messages, export {result.Messages}");
        Assert.True(expectedChats + (orphans > 0 ? 1 : 0) == result.Conversations, $"{database}: sqlite3 counts {expectedChats} chats (+orphans {orphans}), export {result.Conversations}");
        Assert.True(expectedAttachments == result.Attachments, $"{database}: sqlite3 counts {expectedAttachments} attachments, export {result.Attachments}");

        if (BodiesDecodeCleanly.Contains(database))
        {
            Assert.True(result.BodyDiagnostics == 0, $"{database}: {result.BodyDiagnostics} attributedBody blobs failed to decode");
        }

        // The JSON read back by System.Text.Json holds the same numbers.
        long rows = 0;
        var ids = new HashSet<long>();
        foreach (var file in Directory.GetFiles(output.Path, "*.json").Where(f => !Path.GetFileName(f).StartsWith('.')))
        {
            using var document = JsonDocument.Parse(File.ReadAllBytes(file));
            foreach (var message in document.RootElement.GetProperty("messages").EnumerateArray())
            {
                ids.Add(message.GetProperty("rowId").GetInt64());
                foreach (var tapback in message.GetProperty("tapbacks").EnumerateArray())
                {
                    ids.Add(tapback.GetProperty("rowId").GetInt64());
                }

                rows++;
            }
        }

        Assert.Equal(expectedMessages, ids.Count);
        Assert.True(rows <= expectedMessages);
    }

    private static string Sqlite3(string database, string sql) =>
        ExternalTool.Run("sqlite3", [database, sql], TimeSpan.FromSeconds(60)).EnsureSuccess("sqlite3").StandardOutput.Trim();
}
