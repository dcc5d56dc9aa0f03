using System.Globalization;
using Keepsake.Export.Messages;
using Keepsake.Export.Tests.Support;
using Keepsake.TestKit;

namespace Keepsake.Export.Tests.Messages;

/// <summary>
/// A whole export reads messages by date and writes all conversation files at once, closing and
/// reopening files when more than <c>MaxOpenFiles</c> are open; a filtered export reads one
/// conversation after the other. Both must write the same files.
/// </summary>
public sealed class MessagesExporterOrderTests
{
    [Theory]
    [InlineData(MessageFormat.Txt, true)]
    [InlineData(MessageFormat.Html, true)]
    [InlineData(MessageFormat.Csv, true)]
    [InlineData(MessageFormat.Txt, false)]
    public async Task ExportAsync_ByDateWithFewOpenFiles_WritesTheSameFilesAsByConversation(MessageFormat format, bool dateIndex)
    {
        using var temp = new TempDirectory();
        var chatIds = Build(temp.Combine("sms.db"), dateIndex);
        using var db = MessagesDatabase.Open(temp.Combine("sms.db"));

        var all = await new MessagesExporter(db).ExportAsync(temp.Combine("by-date"), new MessagesExportOptions { Format = format });
        var evicting = await new MessagesExporter(db) { MaxOpenFiles = 3 }.ExportAsync(temp.Combine("by-date-3-open"), new MessagesExportOptions { Format = format });
        // Naming every conversation (the orphans bucket too) selects the reading one conversation after the other.
        var named = new MessageFilter { Conversations = [.. chatIds.Select(id => id.ToString(CultureInfo.InvariantCulture)), "-1"] };
        var byConversation = await new MessagesExporter(db).ExportAsync(temp.Combine("by-conversation"), new MessagesExportOptions { Format = format, Filter = named });

        Assert.Equal(all, evicting);
        Assert.Equal(all, byConversation);
        Assert.Equal(chatIds.Count + 1, all.Conversations);
        Assert.Equal(Count(temp.Combine("sms.db")), all.Messages);
        var files = Directory.GetFiles(temp.Combine("by-date")).Select(Path.GetFileName).Where(f => !f!.StartsWith('.')).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(chatIds.Count + 1 + (format == MessageFormat.Html ? 1 : 0), files.Count);
        foreach (var name in files)
        {
            var expected = File.ReadAllBytes(temp.Combine("by-conversation", name!));
            Assert.True(expected.AsSpan().SequenceEqual(File.ReadAllBytes(temp.Combine("by-date", name!))), $"{name} differs by date");
            Assert.True(expected.AsSpan().SequenceEqual(File.ReadAllBytes(temp.Combine("by-date-3-open", name!))), $"{name} differs with 3 open files");
        }

        Assert.Empty(Directory.GetFiles(temp.Path, "*.partial", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task ExportAsync_ByDateTwice_SecondExportRewritesOnlyChangedConversations()
    {
        using var temp = new TempDirectory();
        Build(temp.Combine("sms.db"), dateIndex: true);
        using (var db = MessagesDatabase.Open(temp.Combine("sms.db")))
        {
            await new MessagesExporter(db) { MaxOpenFiles = 2 }.ExportAsync(temp.Combine("out"), new MessagesExportOptions { Format = MessageFormat.Txt });
        }

        using (var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={temp.Combine("sms.db")};Pooling=False"))
        {
            connection.Open();
            using var insert = connection.CreateCommand();
            insert.CommandText = "INSERT INTO message (guid, text, handle_id, date) VALUES ('NEW-1', 'one more', 1, 800000000000000000); INSERT INTO chat_message_join VALUES (1, last_insert_rowid(), 0);";
            insert.ExecuteNonQuery();
        }

        using var again = MessagesDatabase.Open(temp.Combine("sms.db"));
        var second = await new MessagesExporter(again) { MaxOpenFiles = 2 }.ExportAsync(temp.Combine("out"), new MessagesExportOptions { Format = MessageFormat.Txt });
        Assert.Equal(1, second.FilesWritten);
        Assert.Equal(1, second.NewMessages);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task ExportAsync_RowJoinedToANullChat_ByDateKeepsItExactlyWhenByConversationDoes(bool messageInNoChat)
    {
        using var temp = new TempDirectory();
        using (var builder = new SmsDbBuilder(temp.Combine("sms.db")))
        {
            var alice = builder.Handle("+15551234567");
            var chat = builder.Chat("c1", "+15551234567", null, alice);
            builder.Message(chat, "A", "in the chat", alice, false, 0);
            var odd = builder.Message(0, "N", "joined to a NULL chat", alice, false, 1);
            builder.Execute($"INSERT INTO chat_message_join VALUES (NULL, {odd}, 0)");
            if (messageInNoChat)
            {
                builder.Message(0, "O", "in no chat", alice, false, 2);
            }

            builder.Execute("CREATE INDEX message_idx_date ON message(date)");
        }

        using var db = MessagesDatabase.Open(temp.Combine("sms.db"));
        var byDate = await new MessagesExporter(db).ExportAsync(temp.Combine("by-date"), new MessagesExportOptions { Format = MessageFormat.Txt });
        var named = new MessageFilter { Conversations = ["1", "-1"] };
        var byConversation = await new MessagesExporter(db).ExportAsync(temp.Combine("by-conversation"), new MessagesExportOptions { Format = MessageFormat.Txt, Filter = named });
        Assert.Equal(byConversation, byDate);
        Assert.Equal(messageInNoChat ? 2 : 1, byDate.Conversations);
        var files = Directory.GetFiles(temp.Combine("by-conversation"), "*.txt").Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(files, Directory.GetFiles(temp.Combine("by-date"), "*.txt").Select(Path.GetFileName).Order(StringComparer.Ordinal));
        foreach (var name in files)
        {
            Assert.Equal(File.ReadAllText(temp.Combine("by-conversation", name!)), File.ReadAllText(temp.Combine("by-date", name!)));
        }
    }

    /// <summary>12 chats whose messages interleave in time, dates out of ROWID order and equal dates, a message in two chats, tapbacks, orphans.</summary>
    private static List<long> Build(string path, bool dateIndex)
    {
        using var builder = new SmsDbBuilder(path);
        var handles = Enumerable.Range(0, 12).Select(i => builder.Handle($"+1555000{i:D4}")).ToList();
        var chats = handles.Select((h, i) => builder.Chat($"iMessage;-;{i}", $"+1555000{i:D4}", i % 4 == 0 ? $"Group {i}" : null, h)).ToList();
        builder.Execute("BEGIN");
        var random = new Random(7);
        for (var i = 0; i < 600; i++)
        {
            var c = random.Next(chats.Count);
            var minutes = (i * 3) - random.Next(40); // out of ROWID order, sometimes equal
            var id = builder.Message(chats[c], $"M{i}", $"message {i} <b>&</b>\nsecond line", handles[c], i % 3 == 0, minutes);
            if (i % 97 == 0)
            {
                builder.Execute($"INSERT INTO chat_message_join VALUES ({chats[(c + 1) % chats.Count]}, {id}, 0)");
            }

            if (i % 10 == 5)
            {
                builder.Message(chats[c], $"T{i}", null, handles[c], false, minutes + 1, "associated_message_guid, associated_message_type", $"p:0/M{i}", 2000 + (i % 6));
            }

            if (i % 50 == 7)
            {
                builder.Message(0, $"O{i}", "in no chat", handles[c], false, minutes);
            }
        }

        builder.Execute("COMMIT");
        if (dateIndex)
        {
            builder.Execute("CREATE INDEX message_idx_date ON message(date)");
        }

        return chats;
    }

    private static long Count(string path)
    {
        using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={path};Mode=ReadOnly;Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM message";
        return (long)command.ExecuteScalar()!;
    }
}
