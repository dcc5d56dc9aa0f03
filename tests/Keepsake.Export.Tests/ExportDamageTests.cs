using System.Globalization;
using Keepsake.TestKit;

namespace Keepsake.Export.Tests;

/// <summary>
/// Bad data met part-way through an export (ExportRunner's guard): a damaged database is an
/// <see cref="ExportException"/> naming the file and leaves no <c>*.partial</c> file; odd but legal rows
/// (a chat_message_join row with no message) are read, not fatal.
/// </summary>
public sealed class ExportDamageTests
{
    private const string SmsDb = "magnet-ctf2020-smsdb/sms.db";

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    public async Task RunAsync_TruncatedSmsDb_IsExportExceptionNamingTheFileWithNoPartials(int keepQuarters)
    {
        if (!Fixtures.Exists(SmsDb))
        {
            Assert.True(Fixtures.Root is null, $"fixture {SmsDb} missing");
            return;
        }

        using var temp = new TempDirectory();
        var copy = Fixtures.CopySqlite(SmsDb, temp);
        var bytes = File.ReadAllBytes(copy);
        var truncated = temp.Combine("truncated-sms.db");

        // Cut at a page boundary inside the file: the header and schema survive, later pages are gone.
        var pageSize = (bytes[16] << 8) | bytes[17];
        var pages = bytes.Length / pageSize;
        File.WriteAllBytes(truncated, bytes[..(pages * keepQuarters / 4 * pageSize)]);

        var error = await Assert.ThrowsAsync<ExportException>(() => ExportRunner.RunAsync(ExportKind.Messages, truncated, temp.Combine("out"), new ExportOptions { Format = "html" }));
        Assert.Equal(Path.GetFullPath(truncated), error.Source);
        Assert.Matches("SQLite [Ee]rror 11\\b.*malformed", error.Message);
        Assert.False(Directory.Exists(temp.Combine("out")) && Directory.EnumerateFiles(temp.Combine("out"), "*.partial", SearchOption.AllDirectories).Any(), "a .partial file was left");
    }

    [ToolFact("sqlite3")]
    public async Task RunAsync_JoinRowsWithNullMessageId_ExportsEveryMessage()
    {
        if (!Fixtures.Exists(SmsDb))
        {
            Assert.True(Fixtures.Root is null, $"fixture {SmsDb} missing");
            return;
        }

        using var temp = new TempDirectory();
        var copy = Fixtures.CopySqlite(SmsDb, temp);

        // Two join rows naming no message (message_id is not an INTEGER PRIMARY KEY, so SQLite allows NULL),
        // in two chats: "the messages in more than one chat" then holds a NULL.
        ExternalTool.Run("sqlite3", [copy, "INSERT INTO chat_message_join (chat_id, message_id) SELECT ROWID, NULL FROM chat ORDER BY ROWID LIMIT 2"]).EnsureSuccess("sqlite3");
        Assert.Equal("2", ExternalTool.Run("sqlite3", [copy, "SELECT COUNT(*) FROM chat_message_join WHERE message_id IS NULL"]).EnsureSuccess("sqlite3").StandardOutput.Trim());
        var expected = long.Parse(ExternalTool.Run("sqlite3", [copy, "SELECT COUNT(*) FROM message"]).EnsureSuccess("sqlite3").StandardOutput.Trim(), CultureInfo.InvariantCulture);

        var result = await ExportRunner.RunAsync(ExportKind.Messages, copy, temp.Combine("out"), new ExportOptions { Format = "json" });

        Assert.Equal(expected, result.Counts["messages"]);
    }
}
