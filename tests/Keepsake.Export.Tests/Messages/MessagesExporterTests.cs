using System.Text.Json;
using Keepsake.Export.Messages;
using Keepsake.Export.Tests.Support;
using Keepsake.TestKit;
using Microsoft.Data.Sqlite;

namespace Keepsake.Export.Tests.Messages;

public sealed class MessagesExporterTests
{
    private static (long Alice, long Bob, long Chat, long Group) Seed(SmsDbBuilder db)
    {
        var alice = db.Handle("+15551234567");
        var bob = db.Handle("bob@example.com");
        var chat = db.Chat("iMessage;-;+15551234567", "+15551234567", null, alice);
        var group = db.Chat("iMessage;+;chat42", "chat42", "Trip <2024>", alice, bob);
        db.Message(chat, "A1", "Hello <script>alert(1)</script> & welcome", alice, false, 0);
        db.Message(chat, "A2", "Hi Alice", 0, true, 1);
        db.Message(chat, "T1", null, alice, false, 2, "associated_message_guid, associated_message_type", "p:0/A2", 2000);
        db.Message(chat, "R1", "Replying in thread", alice, false, 3, "thread_originator_guid, thread_originator_part", "A1", "0:0:12");
        db.Message(group, "G1", "Group hello", bob, false, 10);
        db.Message(group, "G2", null, bob, false, 11, "item_type, group_title", 2, "New name");
        db.Message(0, "O1", "Orphan message", alice, false, 20);
        db.Message(chat, "T2", null, bob, false, 21, "associated_message_guid, associated_message_type", "p:0/GONE", 2001);
        return (alice, bob, chat, group);
    }

    private static JsonElement[] ReadJsonMessages(string folder, string fileContains)
    {
        var file = Directory.GetFiles(folder, "*.json").Single(f => !Path.GetFileName(f).StartsWith('.') && Path.GetFileName(f).Contains(fileContains, StringComparison.Ordinal));
        using var document = JsonDocument.Parse(File.ReadAllBytes(file));
        return [.. document.RootElement.GetProperty("messages").EnumerateArray().Select(e => e.Clone())];
    }

    [Fact]
    public async Task ExportAsync_Json_TapbacksRepliesSystemEventsAndOrphans()
    {
        using var temp = new TempDirectory();
        using (var builder = new SmsDbBuilder(temp.Combine("sms.db")))
        {
            Seed(builder);
        }

        using var db = MessagesDatabase.Open(temp.Combine("sms.db"));
        var result = await new MessagesExporter(db).ExportAsync(temp.Combine("out"), new MessagesExportOptions { Format = MessageFormat.Json });
        Assert.Equal(8, result.Messages);
        Assert.Equal(3, result.Conversations); // two chats + messages in no chat

        var direct = ReadJsonMessages(temp.Combine("out"), "[1]");
        Assert.Equal(["A1", "A2", "R1", "T2"], direct.Select(m => m.GetProperty("guid").GetString()));
        var a2 = direct[1];
        var tapback = Assert.Single(a2.GetProperty("tapbacks").EnumerateArray());
        Assert.Equal("loved", tapback.GetProperty("kind").GetString());
        Assert.Equal(0, tapback.GetProperty("part").GetInt32());
        Assert.Equal("+15551234567", tapback.GetProperty("sender").GetProperty("handle").GetString());
        Assert.Equal(1, direct[0].GetProperty("replyCount").GetInt32());
        var reply = direct[2].GetProperty("replyTo");
        Assert.Equal("A1", reply.GetProperty("guid").GetString());
        Assert.StartsWith("Hello <script>", reply.GetProperty("snippet").GetString(), StringComparison.Ordinal);
        Assert.Equal("liked", direct[3].GetProperty("orphanTapback").GetProperty("kind").GetString());
        Assert.Equal("2023-05-01T12:00:00.000+00:00", direct[0].GetProperty("date").GetString());

        var group = ReadJsonMessages(temp.Combine("out"), "Trip");
        Assert.Contains("named the conversation \u201CNew name\u201D", group[1].GetProperty("systemEvent").GetString(), StringComparison.Ordinal);
        Assert.Equal("Orphan message", Assert.Single(ReadJsonMessages(temp.Combine("out"), "no chat")).GetProperty("text").GetString());
    }

    [Fact]
    public async Task ExportAsync_Html_EscapesTextAndStatesTimeZone()
    {
        using var temp = new TempDirectory();
        using (var builder = new SmsDbBuilder(temp.Combine("sms.db")))
        {
            Seed(builder);
        }

        using var db = MessagesDatabase.Open(temp.Combine("sms.db"));
        var zone = TimeZoneInfo.FindSystemTimeZoneById("Europe/Paris");
        await new MessagesExporter(db).ExportAsync(temp.Combine("out"), new MessagesExportOptions { Format = MessageFormat.Html, TimeZone = zone });
        var html = File.ReadAllText(Directory.GetFiles(temp.Combine("out"), "*.html").Single(f => f.EndsWith("[1].html", StringComparison.Ordinal)));
        Assert.Contains("Hello &lt;script&gt;alert(1)&lt;/script&gt; &amp; welcome", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("Europe/Paris", html, StringComparison.Ordinal);
        Assert.Contains("2023-05-01 14:00:00 +02:00", html, StringComparison.Ordinal);
        var groupHtml = File.ReadAllText(Directory.GetFiles(temp.Combine("out"), "Trip*.html").Single());
        Assert.Contains("<title>Trip &lt;2024&gt;</title>", groupHtml, StringComparison.Ordinal);
        Assert.True(File.Exists(temp.Combine("out", "index.html")));
    }

    [Fact]
    public async Task ExportAsync_SecondRun_RewritesOnlyConversationsWithNewMessages()
    {
        using var temp = new TempDirectory();
        long chat;
        using (var builder = new SmsDbBuilder(temp.Combine("sms.db")))
        {
            chat = Seed(builder).Chat;
        }

        var options = new MessagesExportOptions { Format = MessageFormat.Txt };
        MessagesExportResult first, second, third;
        using (var db = MessagesDatabase.Open(temp.Combine("sms.db")))
        {
            first = await new MessagesExporter(db).ExportAsync(temp.Combine("out"), options);
            second = await new MessagesExporter(db).ExportAsync(temp.Combine("out"), options);
        }

        Assert.Equal(first.Messages, first.NewMessages);
        Assert.Equal(3, first.FilesWritten);
        Assert.Equal(0, second.NewMessages);
        Assert.Equal(0, second.FilesWritten);

        using (var connection = new SqliteConnection($"Data Source={temp.Combine("sms.db")};Pooling=False"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = $"INSERT INTO message (guid, text, handle_id, date, is_from_me) VALUES ('NEW', 'A new one', 1, 900000000000000000, 0); INSERT INTO chat_message_join VALUES ({chat}, last_insert_rowid(), 0);";
            command.ExecuteNonQuery();
        }

        using (var db = MessagesDatabase.Open(temp.Combine("sms.db")))
        {
            third = await new MessagesExporter(db).ExportAsync(temp.Combine("out"), options);
        }

        Assert.Equal(1, third.NewMessages);
        Assert.Equal(1, third.FilesWritten);
        Assert.Contains("A new one", File.ReadAllText(Directory.GetFiles(temp.Combine("out"), "*.txt").Single(f => f.EndsWith("[1].txt", StringComparison.Ordinal))), StringComparison.Ordinal);
        Assert.Empty(Directory.GetFiles(temp.Combine("out"), "*.partial", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task ExportAsync_Filters_ConversationParticipantAndDateRange()
    {
        using var temp = new TempDirectory();
        using (var builder = new SmsDbBuilder(temp.Combine("sms.db")))
        {
            Seed(builder);
        }

        using var db = MessagesDatabase.Open(temp.Combine("sms.db"));
        var exporter = new MessagesExporter(db);
        var byName = await exporter.ExportAsync(temp.Combine("a"), new MessagesExportOptions { Format = MessageFormat.Csv, Filter = new MessageFilter { Conversations = ["Trip <2024>"] } });
        Assert.Equal(1, byName.Conversations);
        Assert.Equal(2, byName.Messages);

        var byParticipant = await exporter.ExportAsync(temp.Combine("b"), new MessagesExportOptions { Format = MessageFormat.Csv, Filter = new MessageFilter { Participant = "bob@EXAMPLE.com" } });
        Assert.Equal(1, byParticipant.Conversations);

        var byPhone = await exporter.ExportAsync(temp.Combine("c"), new MessagesExportOptions { Format = MessageFormat.Csv, Filter = new MessageFilter { Participant = "(555) 123-4567" } });
        Assert.Equal(2, byPhone.Conversations);

        var byDate = await exporter.ExportAsync(temp.Combine("d"), new MessagesExportOptions
        {
            Format = MessageFormat.Csv,
            Filter = new MessageFilter { From = SmsDbBuilder.Base.AddMinutes(5), To = SmsDbBuilder.Base.AddMinutes(15) },
        });
        Assert.Equal(2, byDate.Messages); // G1, G2
        Assert.Equal(1, byDate.Conversations);
    }

    [Fact]
    public async Task ExportAsync_Csv_ParsesBackWithOneRowPerMessage()
    {
        using var temp = new TempDirectory();
        using (var builder = new SmsDbBuilder(temp.Combine("sms.db")))
        {
            var (alice, _, chat, _) = Seed(builder);
            builder.Message(chat, "Q1", "comma, \"quote\"\nand newline", alice, false, 30);
        }

        using var db = MessagesDatabase.Open(temp.Combine("sms.db"));
        await new MessagesExporter(db).ExportAsync(temp.Combine("out"), new MessagesExportOptions { Format = MessageFormat.Csv });
        var rows = CsvReader.Parse(File.ReadAllText(Directory.GetFiles(temp.Combine("out"), "*.csv").Single(f => f.EndsWith("[1].csv", StringComparison.Ordinal))));
        Assert.Equal(1 + 5, rows.Count);
        Assert.All(rows, r => Assert.Equal(rows[0].Count, r.Count));
        var text = rows[0].IndexOf("text");
        Assert.Equal("comma, \"quote\"\nand newline", rows[^1][text]);
    }

    [Fact]
    public async Task ExportAsync_BackupSource_CopiesAttachmentsNamesSendersListsMissing()
    {
        using var temp = new TempDirectory();
        using (var builder = new SmsDbBuilder(temp.Combine("sms.db")))
        {
            var (alice, _, chat, _) = Seed(builder);
            var m = builder.Message(chat, "P1", "\uFFFC", alice, false, 40);
            builder.Attachment(m, "AT1", "~/Library/SMS/Attachments/ab/12/AT1/IMG_0001.JPG", "IMG_0001.JPG", "image/jpeg", 4);
            builder.Attachment(m, "AT2", "/var/mobile/Library/SMS/Attachments/cd/34/AT2/clip.mov", "clip.mov", "video/quicktime", 9);
            builder.Attachment(m, "AT3", "~/Library/SMS/Attachments/ef/56/AT3/../../../../etc/passwd", "../../passwd", "text/plain", 9);
        }

        using (var book = new SqliteConnection($"Data Source={temp.Combine("AddressBook.sqlitedb")};Pooling=False"))
        {
            book.Open();
            using var command = book.CreateCommand();
            command.CommandText = """
                CREATE TABLE ABPerson (ROWID INTEGER PRIMARY KEY, First TEXT, Last TEXT, Organization TEXT);
                CREATE TABLE ABMultiValue (UID INTEGER PRIMARY KEY, record_id INTEGER, property INTEGER, label INTEGER, value TEXT);
                INSERT INTO ABPerson VALUES (1, 'Alice', 'Liddell', NULL);
                INSERT INTO ABMultiValue VALUES (1, 1, 3, NULL, '(555) 123-4567');
                """;
            command.ExecuteNonQuery();
        }

        var source = new MemoryBackupSource();
        source.Add(MessagesDatabase.HomeDomain, MessagesDatabase.SmsDbPath, File.ReadAllBytes(temp.Combine("sms.db")));
        source.Add(MessagesDatabase.HomeDomain, MessagesDatabase.AddressBookPath, File.ReadAllBytes(temp.Combine("AddressBook.sqlitedb")));
        source.Add(MessagesDatabase.MediaDomain, "Library/SMS/Attachments/ab/12/AT1/IMG_0001.JPG", [1, 2, 3, 4]);
        source.Add(MessagesDatabase.MediaDomain, "Library/SMS/Attachments/ef/56/AT3/../../../../etc/passwd", [9, 9, 9]);

        using var db = await MessagesDatabase.OpenAsync(source);
        var result = await new MessagesExporter(db).ExportAsync(temp.Combine("out"), new MessagesExportOptions { Format = MessageFormat.Json });
        Assert.Equal(3, result.Attachments);
        Assert.Equal(2, result.AttachmentsCopied);
        Assert.Equal(1, result.AttachmentsMissing);

        var messages = ReadJsonMessages(temp.Combine("out"), "Alice Liddell");
        Assert.Equal("Alice Liddell", messages[0].GetProperty("sender").GetProperty("name").GetString());
        var attachments = messages.Single(m => m.GetProperty("guid").GetString() == "P1").GetProperty("attachments").EnumerateArray().ToList();
        var copied = attachments[0].GetProperty("path").GetString()!;
        Assert.Equal([1, 2, 3, 4], File.ReadAllBytes(Path.Combine(temp.Combine("out"), copied)));
        Assert.Equal(JsonValueKind.Null, attachments[1].GetProperty("path").ValueKind);
        Assert.Contains("not in the backup", attachments[1].GetProperty("missingReason").GetString(), StringComparison.Ordinal);
        // A hostile transfer name stays inside the export folder.
        var hostile = attachments[2].GetProperty("path").GetString()!;
        Assert.StartsWith("attachments/", hostile, StringComparison.Ordinal);
        Assert.DoesNotContain("..", hostile.Split('/'));
    }

    [FixtureFact("magnet-ctf2020-smsdb")]
    public void Open_LooseFileWithWal_LeavesTheFixtureUntouched()
    {
        var path = Fixtures.Path("magnet-ctf2020-smsdb", "sms.db");
        var before = new[] { "", "-wal", "-shm" }.Select(s => File.ReadAllBytes(path + s)).ToList();
        using (var db = MessagesDatabase.Open(path))
        {
            Assert.NotEmpty(new MessageReader(db).ReadConversations());
        }

        var after = new[] { "", "-wal", "-shm" }.Select(s => File.ReadAllBytes(path + s)).ToList();
        Assert.Equal(before, after);
    }

    [Fact]
    public void Open_NotADatabase_ThrowsExportException()
    {
        using var temp = new TempDirectory();
        File.WriteAllText(temp.Combine("x.db"), "not sqlite at all, just text that is long enough to look like a header......");
        Assert.Throws<ExportException>(() => MessagesDatabase.Open(temp.Combine("x.db")));
        Assert.Throws<FileNotFoundException>(() => MessagesDatabase.Open(temp.Combine("missing.db")));
        Assert.Throws<ArgumentException>(() => MessagesDatabase.Open(string.Empty));
    }

    [Theory]
    [InlineData("p:0/ABC", "ABC", 0)]
    [InlineData("p:12/ABC-DEF", "ABC-DEF", 12)]
    [InlineData("bp:XYZ", "XYZ", null)]
    [InlineData("XYZ", "XYZ", null)]
    public void ParseAssociatedGuid_Forms_GiveGuidAndPart(string value, string guid, int? part)
    {
        Assert.Equal((guid, part), MessageReader.ParseAssociatedGuid(value));
    }
}
