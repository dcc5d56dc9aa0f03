using System.Globalization;
using System.Text.Json;
using Keepsake.BackupFormat;
using Keepsake.BackupFormat.Writer;
using Keepsake.Export.Messages;
using Keepsake.Export.Tests.Support;
using Keepsake.Primitives;
using Keepsake.TestKit;
using Microsoft.Data.Sqlite;

namespace Keepsake.Export.Tests;

public sealed class ExportRunnerTests
{
    private const string Mvt = "mvt-ios-backup";

    // Immutable: some of these are fixture files read in place, and a plain open may write beside them.
    private static long Sqlite3Count(string database, string sql) =>
        long.Parse(ExternalTool.Run("sqlite3", [$"file:{database}?mode=ro&immutable=1", sql]).EnsureSuccess("sqlite3").StandardOutput.Trim(), CultureInfo.InvariantCulture);

    /// <summary>
    /// Reads an .ics file with Ical.Net (an independent, maintained RFC 5545 parser) after checking the
    /// wire rules it does not: CRLF line ends, no physical line over 75 octets, BEGIN/END balanced.
    /// </summary>
    internal static Ical.Net.Calendar ReadICalendar(string path)
    {
        var text = File.ReadAllText(path);
        var physical = text.Split("\r\n");
        Assert.Equal(string.Empty, physical[^1]);
        Assert.DoesNotContain(physical, l => l.Contains('\n', StringComparison.Ordinal));
        Assert.All(physical, l => Assert.True(System.Text.Encoding.UTF8.GetByteCount(l) <= 75, l));
        Assert.Equal(physical.Count(l => l.StartsWith("BEGIN:", StringComparison.Ordinal)), physical.Count(l => l.StartsWith("END:", StringComparison.Ordinal)));
        var calendar = Ical.Net.Calendar.Load(text);
        Assert.NotNull(calendar);
        Assert.Equal("2.0", calendar.Version);
        Assert.Equal("-//Keepsake//Export//EN", calendar.ProductId);
        return calendar;
    }

    [FixtureFact(Mvt)]
    public async Task RunAsync_MvtBackupFolder_ExportsMessagesCalendarAndWhatsApp()
    {
        using var temp = new TempDirectory();
        using var backup = BackupFolder.Open(Fixtures.Path(Mvt));

        var messages = await ExportRunner.RunAsync(ExportKind.Messages, backup, temp.Combine("messages"), new ExportOptions { Format = "json" });
        var smsDb = Fixtures.Path(Mvt, "3d", "3d0d7e5fb2ce288813306e4d4636395e047a3d28");
        Assert.Equal(Sqlite3Count(smsDb, "SELECT COUNT(*) FROM message"), messages.Counts["messages"]);

        var calendar = await ExportRunner.RunAsync(ExportKind.Calendar, backup, temp.Combine("calendar"));
        var calendarDb = Fixtures.Path(Mvt, "20", "2041457d5fe04d39d0ab481178355df6781e6858");
        Assert.Equal(Sqlite3Count(calendarDb, "SELECT COUNT(*) FROM CalendarItem"), calendar.Counts["events"]);
        var ics = ReadICalendar(Directory.GetFiles(temp.Combine("calendar"), "*.ics").Single());
        Assert.Equal(calendar.Counts["events"], ics.Events.Count);
        Assert.All(ics.Events, e => Assert.False(string.IsNullOrEmpty(e.Uid)));
        Assert.Equal(ics.Events.Count, ics.Events.Select(e => e.Uid).Distinct(StringComparer.Ordinal).Count());

        var whatsapp = await ExportRunner.RunAsync(ExportKind.WhatsApp, backup, temp.Combine("whatsapp"), new ExportOptions { Format = "json" });
        var chatStorage = Fixtures.Path(Mvt, "7c", "7c7fba66680ef796b916b067077cc246adacf01d");
        Assert.Equal(Sqlite3Count(chatStorage, "SELECT COUNT(*) FROM ZWAMESSAGE"), whatsapp.Counts["messages"]);
        Assert.Equal(Sqlite3Count(chatStorage, "SELECT COUNT(*) FROM ZWACHATSESSION"), whatsapp.Counts["chats"]);

        var missing = await Assert.ThrowsAsync<ExportException>(() => ExportRunner.RunAsync(ExportKind.Contacts, backup, temp.Combine("contacts")));
        Assert.Contains("AddressBook.sqlitedb", missing.Message, StringComparison.Ordinal);
    }

    [ToolFact("sqlite3")]
    public async Task RunAsync_LooseWhatsAppAndSafari_CountsEqualSqlite3()
    {
        using var temp = new TempDirectory();
        if (Fixtures.Exists("ileapp-public-images/whatsapp-chatstorage-hickman-ios15.3.1"))
        {
            var copy = Fixtures.CopySqlite("ileapp-public-images/whatsapp-chatstorage-hickman-ios15.3.1/ChatStorage.sqlite", temp);
            var result = await ExportRunner.RunAsync(ExportKind.WhatsApp, copy, temp.Combine("wa"), new ExportOptions { Format = "json" });
            Assert.Equal(Sqlite3Count(copy, "SELECT COUNT(*) FROM ZWAMESSAGE"), result.Counts["messages"]);
            Assert.Equal(Sqlite3Count(copy, "SELECT COUNT(*) FROM ZWACHATSESSION"), result.Counts["chats"]);
            var media = Sqlite3Count(copy, "SELECT COUNT(*) FROM ZWAMESSAGE m JOIN ZWAMEDIAITEM i ON i.Z_PK = m.ZMEDIAITEM WHERE m.ZMESSAGETYPE <> 5 AND (i.ZMEDIALOCALPATH IS NOT NULL OR m.ZMESSAGETYPE <> 0)"); // a location (5) is text, not media
            Assert.Equal(media, result.Counts["media"]);
            long rows = 0;
            foreach (var file in Directory.GetFiles(temp.Combine("wa"), "*.json"))
            {
                using var document = JsonDocument.Parse(File.ReadAllBytes(file));
                rows += document.RootElement.GetProperty("messages").GetArrayLength();
            }

            Assert.Equal(result.Counts["messages"], rows);
        }

        if (Fixtures.Exists("plaso-apple-dbs/History.db"))
        {
            var copy = Fixtures.CopySqlite("plaso-apple-dbs/History.db", temp);
            var result = await ExportRunner.RunAsync(ExportKind.Safari, copy, temp.Combine("safari"), new ExportOptions { Format = "csv" });
            var expected = Sqlite3Count(copy, "SELECT COUNT(*) FROM history_visits");
            Assert.Equal(expected, result.Counts["visits"]);
            var rows = CsvReader.Parse(File.ReadAllText(temp.Combine("safari", "safari-history.csv")));
            Assert.Equal(expected + 1, rows.Count);
            Assert.All(rows.Skip(1), r => Assert.StartsWith("http", r[3], StringComparison.Ordinal));
            Assert.All(rows.Skip(1), r => Assert.StartsWith("2017-", r[1], StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task RunAsync_CallHistory_NamesAndDirectionsInCsvAndJson()
    {
        using var temp = new TempDirectory();
        var path = temp.Combine("CallHistory.storedata");
        using (var connection = new SqliteConnection($"Data Source={path};Pooling=False"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = """
                CREATE TABLE ZCALLRECORD (Z_PK INTEGER PRIMARY KEY, ZDATE TIMESTAMP, ZDURATION FLOAT, ZADDRESS BLOB, ZNAME VARCHAR, ZORIGINATED INTEGER, ZANSWERED INTEGER, ZCALLTYPE INTEGER, ZSERVICE_PROVIDER VARCHAR, ZISO_COUNTRY_CODE VARCHAR);
                INSERT INTO ZCALLRECORD VALUES (1, 700000000.5, 65.0, CAST('+15551234567' AS BLOB), NULL, 1, 1, 1, 'com.apple.Telephony', 'us');
                INSERT INTO ZCALLRECORD VALUES (2, 700000100.0, 0.0, '+15550000000', 'Pizza, "Best"', 0, 0, 8, 'com.apple.FaceTime', 'us');
                """;
            command.ExecuteNonQuery();
        }

        var csv = await ExportRunner.RunAsync(ExportKind.Calls, path, temp.Combine("csv"));
        Assert.Equal(2, csv.Counts["calls"]);
        var rows = CsvReader.Parse(File.ReadAllText(temp.Combine("csv", "calls.csv")));
        Assert.Equal(["id", "date", "direction", "answered", "missed", "duration_seconds", "address", "name", "type", "service", "country"], rows[0]);
        Assert.Equal(["1", "2023-03-08T20:26:40.500+00:00", "outgoing", "true", "false", "65", "+15551234567", "", "phone", "com.apple.Telephony", "us"], rows[1]);
        Assert.Equal("missed", rows[0][4]);
        Assert.Equal("true", rows[2][4]);
        Assert.Equal("Pizza, \"Best\"", rows[2][7]);

        await ExportRunner.RunAsync(ExportKind.Calls, path, temp.Combine("json"), new ExportOptions { Format = "json" });
        using var document = JsonDocument.Parse(File.ReadAllBytes(temp.Combine("json", "calls.json")));
        Assert.Equal("facetime-video", document.RootElement[1].GetProperty("type").GetString());
        Assert.Equal(65, document.RootElement[0].GetProperty("duration_seconds").GetDouble());

        await Assert.ThrowsAsync<ArgumentException>(() => ExportRunner.RunAsync(ExportKind.Calls, path, temp.Combine("x"), new ExportOptions { Format = "pdf" }));
    }

    [Fact]
    public async Task RunAsync_GeneratedCalendar_WritesValidICalendar()
    {
        using var temp = new TempDirectory();
        var path = temp.Combine("Calendar.sqlitedb");
        using (var connection = new SqliteConnection($"Data Source={path};Pooling=False"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = """
                CREATE TABLE Calendar (ROWID INTEGER PRIMARY KEY, title TEXT);
                CREATE TABLE Location (ROWID INTEGER PRIMARY KEY, title TEXT, address TEXT);
                CREATE TABLE CalendarItem (ROWID INTEGER PRIMARY KEY, summary TEXT, description TEXT, start_date REAL, end_date REAL, all_day INTEGER, calendar_id INTEGER, location_id INTEGER, url TEXT, UUID TEXT);
                INSERT INTO Calendar VALUES (1, 'Work; stuff');
                INSERT INTO Location VALUES (1, 'Office', '1 Main St, Springfield');
                INSERT INTO CalendarItem VALUES (1, 'Meeting, important; really', 'Line one
                Line two with a very long description that certainly goes past the seventy-five octet limit of RFC 5545 — with dashes and é', 700000000, 700003600, 0, 1, 1, 'https://example.com/a', 'UUID-1');
                INSERT INTO CalendarItem VALUES (2, 'Holiday', NULL, 699926400, 700012800, 1, 1, NULL, NULL, 'UUID-2');
                """;
            command.ExecuteNonQuery();
        }

        var result = await ExportRunner.RunAsync(ExportKind.Calendar, path, temp.Combine("out"));
        Assert.Equal(2, result.Counts["events"]);
        var ics = ReadICalendar(Directory.GetFiles(temp.Combine("out"), "*.ics").Single());
        Assert.Equal("Work; stuff", ics.Properties["X-WR-CALNAME"]?.Value);
        var meeting = ics.Events.Single(e => e.Uid == "UUID-1");
        Assert.Equal("Meeting, important; really", meeting.Summary);
        Assert.False(meeting.IsAllDay);
        Assert.True(meeting.DtStart!.IsUtc);
        Assert.Equal(new DateTime(2023, 3, 8, 20, 26, 40), meeting.DtStart.Value);
        Assert.Equal(new DateTime(2023, 3, 8, 21, 26, 40), meeting.DtEnd!.Value);
        Assert.Equal("Office, 1 Main St, Springfield", meeting.Location);
        Assert.Equal(new Uri("https://example.com/a"), meeting.Url);
        Assert.StartsWith("Line one\n", meeting.Description, StringComparison.Ordinal);
        Assert.EndsWith("seventy-five octet limit of RFC 5545 — with dashes and é", meeting.Description, StringComparison.Ordinal);
        var holiday = ics.Events.Single(e => e.Uid == "UUID-2");
        Assert.True(holiday.IsAllDay);
        Assert.False(holiday.DtStart!.HasTime);
        Assert.Equal(new DateTime(2023, 3, 8), holiday.DtStart.Value);
        Assert.Equal(new DateTime(2023, 3, 9), holiday.DtEnd!.Value);
        Assert.All(ics.Events, e => Assert.NotNull(e.DtStamp));
    }

    /// <summary>
    /// The independent encrypted fixture (pyiosbackup's, password 0000): its Manifest.db decrypts and is
    /// read through the same source the exporters use; an export of a kind it lacks fails with a typed
    /// error naming the file, never a crypto error or the password, and leaves no output.
    /// </summary>
    [FixtureFact("pyiosbackup-encrypted-mini")]
    public async Task RunAsync_EncryptedFixtureBackup_ReadsEntriesAndNamesTheMissingDatabase()
    {
        using var temp = new TempDirectory();
        using var password = Secret.FromString("0000");
        using var backup = BackupFolder.Open(Fixtures.Path("pyiosbackup-encrypted-mini", "ios10-sqlite"), password);
        var report = await Keepsake.Export.Storage.StorageReport.BuildAsync(backup);
        var domain = Assert.Single(report.ByDomain);
        Assert.Equal(("MyTestDomain", 9L, 1L), (domain.Name, domain.Bytes, domain.Files));
        using (var content = backup.OpenRead(backup.FindEntry("MyTestDomain", "Media/Test.txt")!))
        using (var reader = new StreamReader(content))
        {
            Assert.Equal("Test data", await reader.ReadToEndAsync());
        }

        var error = await Assert.ThrowsAsync<NoDataException>(() => ExportRunner.RunAsync(ExportKind.Messages, backup, temp.Combine("messages")));
        Assert.Contains("sms.db", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("0000", error.Message, StringComparison.Ordinal);
        Assert.Empty(Directory.Exists(temp.Combine("messages")) ? Directory.GetFiles(temp.Combine("messages"), "*", SearchOption.AllDirectories) : []);
    }

    /// <summary>
    /// An encrypted backup folder holding an sms.db, an AddressBook and an attachment (written by our
    /// BackupWriter with a password): every file the export reads is decrypted on the way, so the
    /// counts equal sqlite3's on the plain database and the attachment comes out byte for byte.
    /// </summary>
    [ToolFact("sqlite3")]
    public async Task RunAsync_EncryptedBackupFolder_ExportsMessagesWithDecryptedAttachment()
    {
        using var temp = new TempDirectory();
        using (var builder = new SmsDbBuilder(temp.Combine("sms.db")))
        {
            var alice = builder.Handle("+15551234567");
            var chat = builder.Chat("iMessage;-;+15551234567", "+15551234567", null, alice);
            builder.Message(chat, "E1", "Encrypted hello", alice, false, 0);
            builder.Message(chat, "E2", "Encrypted reply", 0, true, 1);
            var photo = builder.Message(chat, "E3", "\uFFFC", alice, false, 2);
            builder.Attachment(photo, "EA1", "~/Library/SMS/Attachments/aa/01/EA1/photo.png", "photo.png", "image/png", 0);
        }

        var png = TestMedia.Png(40, 30, 10, 200, 90);
        using (var password = Secret.FromString("correct horse"))
        using (var writer = BackupWriter.Create(temp.Combine("backup"), new BackupWriterOptions { Udid = "00008030-0000000000000001", Password = password, DoubleProtectionIterations = 1000, Iterations = 10 }))
        {
            using (var sms = File.OpenRead(temp.Combine("sms.db")))
            {
                writer.AddFile(MessagesDatabase.HomeDomain, MessagesDatabase.SmsDbPath, sms);
            }

            writer.AddFile(MessagesDatabase.MediaDomain, "Library/SMS/Attachments/aa/01/EA1/photo.png", new MemoryStream(png));
            writer.Complete();
        }

        // The blobs on disk are ciphertext: the plain database's header is nowhere in the folder.
        Assert.DoesNotContain(Directory.GetFiles(temp.Combine("backup"), "*", SearchOption.AllDirectories), f => File.ReadAllBytes(f).AsSpan().IndexOf("SQLite format 3"u8) >= 0);

        using var secret = Secret.FromString("correct horse");
        using var backup = BackupFolder.Open(temp.Combine("backup"), secret);
        var result = await ExportRunner.RunAsync(ExportKind.Messages, backup, temp.Combine("out"), new ExportOptions { Format = "json" });
        Assert.Equal(Sqlite3Count(temp.Combine("sms.db"), "SELECT COUNT(*) FROM message"), result.Counts["messages"]);
        Assert.Equal(1, result.Counts["attachmentsCopied"]);
        var copied = Directory.GetFiles(temp.Combine("out", "attachments"), "*.png", SearchOption.AllDirectories).Single();
        Assert.Equal(png, File.ReadAllBytes(copied));
        var json = File.ReadAllText(Directory.GetFiles(temp.Combine("out"), "*.json").Single(f => !Path.GetFileName(f).StartsWith('.')));
        Assert.Contains("Encrypted hello", json, StringComparison.Ordinal);

        using var wrong = Secret.FromString("wrong");
        var error = Assert.ThrowsAny<BackupFormatException>(() => BackupFolder.Open(temp.Combine("backup"), wrong));
        Assert.DoesNotContain("wrong", error.Message, StringComparison.Ordinal);
    }
}
