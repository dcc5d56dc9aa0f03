using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using Keepsake.Device.Simulator.Phone.Generated;
using Keepsake.TestKit;

namespace Keepsake.Device.Tests.Simulator.Generated;

public sealed class GeneratedPhoneTests
{
    private const long SmallSize = 12L * 1024 * 1024;

    /// <summary>Generated databases (domain/path) and the real fixture of the same iOS version whose tables and columns they must have.</summary>
    public static TheoryData<string, string> SchemaPairs => new()
    {
        { "HomeDomain/Library/SMS/sms.db", "imessage-exporter-blobs/db/test.db" },
        { "HomeDomain/Library/AddressBook/AddressBook.sqlitedb", "ileapp-public-images/addressbook-hickman-ios15.3.1/AddressBook.sqlitedb" },
        { "AppDomainGroup-group.com.apple.notes/NoteStore.sqlite", "ileapp-public-images/notes-hickman-ios17.3/NoteStore.sqlite" },
        { "AppDomainGroup-group.net.whatsapp.WhatsApp.shared/ChatStorage.sqlite", "ileapp-public-images/whatsapp-chatstorage-hickman-ios15.3.1/ChatStorage.sqlite" },
        { "HomeDomain/Library/Voicemail/voicemail.db", "ileapp-public-images/voicemail-hickman-ios15.3.1/voicemail.db" },
        { "HomeDomain/Library/Safari/History.db", "plaso-apple-dbs/History.db" },
    };

    [Fact]
    public void Ensure_SameSeedAndSize_ByteIdenticalPhones()
    {
        using var a = new TempDirectory("keepsake-gen");
        using var b = new TempDirectory("keepsake-gen");
        var profile = new PhoneProfile(7, SmallSize);
        var first = GeneratedPhone.Ensure(a.Path, profile);
        var second = GeneratedPhone.Ensure(b.Path, profile);
        var digests = Digests(first);
        Assert.Equal(digests, Digests(second));
        Assert.True(digests.Count > 100, $"only {digests.Count} files");

        GeneratedPhone.Advance(a.Path, profile, 5);
        GeneratedPhone.Advance(b.Path, profile, 5);
        var advanced = Digests(first);
        Assert.Equal(advanced, Digests(second));
        Assert.NotEqual(digests, advanced);
        Assert.NotEqual(Digests(GeneratedPhone.Ensure(new TempDirectory("keepsake-gen").Path, new PhoneProfile(8, SmallSize))).Values.Order(), digests.Values.Order());
    }

    [Fact]
    public void Ensure_Size_PhoneWithinTenPercentOfIt()
    {
        using var temp = new TempDirectory("keepsake-gen");
        var size = 40L * 1024 * 1024;
        var folder = GeneratedPhone.Ensure(temp.Path, new PhoneProfile(1, size));
        var total = Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories).Sum(f => new FileInfo(f).Length);
        Assert.InRange(total, size * 9 / 10, size * 11 / 10);
    }

    [Fact]
    public void Advance_Days_MessagesAndPhotosChangeContactEditedAppRemoved()
    {
        using var temp = new TempDirectory("keepsake-gen");
        var profile = new PhoneProfile(3, SmallSize);
        var folder = GeneratedPhone.Ensure(temp.Path, profile);
        var before = GeneratedPhone.Plan(temp.Path, profile);
        var after = GeneratedPhone.Advance(temp.Path, profile, 10);

        Assert.Equal(before.Now.AddDays(10), after.Now);
        Assert.Equal(GeneratedPhone.Plan(temp.Path, profile).Messages.Select(m => m.Guid), after.Messages.Select(m => m.Guid));
        Assert.Equal(120, after.Messages.Count(m => m.Date > before.Now));
        Assert.Equal(3, before.Messages.Select(m => m.Guid).Except(after.Messages.Select(m => m.Guid)).Count());
        var removedAsset = Assert.Single(before.Assets.Select(a => a.RelativePath).Except(after.Assets.Select(a => a.RelativePath)));
        Assert.False(File.Exists(Path.Combine(folder, "CameraRollDomain", removedAsset)));
        Assert.All(after.Assets, a => Assert.True(File.Exists(Path.Combine(folder, "CameraRollDomain", a.RelativePath)), a.RelativePath));
        Assert.Equal(20, after.Assets.Count(a => a.Taken > before.Now));
        Assert.Single(after.Contacts, c => c.Modified == after.Now);
        var removedApp = Assert.Single(before.Apps.Select(a => a.BundleId).Except(after.Apps.Select(a => a.BundleId)));
        Assert.False(Directory.Exists(Path.Combine(folder, "AppDomain-" + removedApp)));
    }

    [ToolFact("sqlite3")]
    public void Ensure_Default_EveryDatabasePassesIntegrityCheckAndHoldsThePlan()
    {
        using var temp = new TempDirectory("keepsake-gen");
        var profile = new PhoneProfile(1, SmallSize);
        var folder = GeneratedPhone.Ensure(temp.Path, profile);
        var plan = GeneratedPhone.Plan(temp.Path, profile);
        var databases = Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories)
            .Where(f => f.EndsWith(".db", StringComparison.Ordinal) || f.EndsWith(".sqlite", StringComparison.Ordinal) || f.EndsWith(".sqlitedb", StringComparison.Ordinal) || f.EndsWith(".storedata", StringComparison.Ordinal))
            .ToList();
        Assert.Equal(11, databases.Count);
        foreach (var db in databases)
        {
            Assert.Equal("ok", Sqlite(db, "PRAGMA integrity_check;"));
        }

        Assert.Equal(plan.Messages.Count.ToString(CultureInfo.InvariantCulture), Sqlite(Path.Combine(folder, "HomeDomain", "Library", "SMS", "sms.db"), "SELECT count(*) FROM message;"));
        Assert.True(plan.Messages.Count >= 3000);
        Assert.Equal(plan.Messages.Count(m => m.Attachment is not null).ToString(CultureInfo.InvariantCulture), Sqlite(Path.Combine(folder, "HomeDomain", "Library", "SMS", "sms.db"), "SELECT count(*) FROM attachment;"));
        Assert.Equal(plan.Assets.Count.ToString(CultureInfo.InvariantCulture), Sqlite(Path.Combine(folder, "CameraRollDomain", "Media", "PhotoData", "Photos.sqlite"), "SELECT count(*) FROM ZASSET;"));
        foreach (var kind in new[] { "service = 'iMessage'", "service = 'SMS'", "service = 'RCS'", "associated_message_type BETWEEN 2000 AND 2005", "thread_originator_guid IS NOT NULL", "date_edited > 0 AND date_retracted = 0", "date_retracted > 0" })
        {
            Assert.NotEqual("0", Sqlite(Path.Combine(folder, "HomeDomain", "Library", "SMS", "sms.db"), $"SELECT count(*) FROM message WHERE {kind};"));
        }
    }

    [FixtureTheory("imessage-exporter-blobs/db/test.db", "ileapp-public-images", "plaso-apple-dbs/History.db")]
    [MemberData(nameof(SchemaPairs))]
    public void Ensure_Database_TablesAndColumnsMatchRealFixture(string generated, string fixture)
    {
        using var temp = new TempDirectory("keepsake-gen");
        var folder = GeneratedPhone.Ensure(temp.Path, new PhoneProfile(1, SmallSize));
        Assert.Equal(Columns(Fixtures.Path(fixture.Split('/'))), Columns(Path.Combine(folder, generated)));
    }

    [ToolFact("exiftool")]
    public void Ensure_Photos_ExiftoolReadsTheirDatesAndPlaces()
    {
        using var temp = new TempDirectory("keepsake-gen");
        var profile = new PhoneProfile(2, SmallSize);
        var folder = GeneratedPhone.Ensure(temp.Path, profile);
        var plan = GeneratedPhone.Plan(temp.Path, profile);
        var sample = plan.Assets.GroupBy(a => a.Kind).SelectMany(g => g.Take(2)).ToList();
        var result = ExternalTool.Run("exiftool", ["-json", "-n", "-DateTimeOriginal", "-CreateDate", "-GPSLatitude", "-GPSLongitude", .. sample.Select(a => Path.Combine(folder, "CameraRollDomain", a.RelativePath))], TimeSpan.FromSeconds(60)).EnsureSuccess("exiftool");
        using var json = JsonDocument.Parse(result.StandardOutput);
        var rows = json.RootElement.EnumerateArray().ToList();
        Assert.Equal(sample.Count, rows.Count);
        Assert.Contains(sample, a => a.Kind == GeneratedMediaKind.Heic);
        for (var i = 0; i < sample.Count; i++)
        {
            var expected = sample[i].Taken.UtcDateTime.ToString("yyyy:MM:dd HH:mm:ss", CultureInfo.InvariantCulture);
            if (sample[i].IsVideo)
            {
                Assert.Equal(expected, rows[i].GetProperty("CreateDate").GetString());
            }
            else
            {
                Assert.Equal(expected, rows[i].GetProperty("DateTimeOriginal").GetString());
                Assert.Equal(sample[i].Latitude, rows[i].GetProperty("GPSLatitude").GetDouble(), 3);
                Assert.Equal(sample[i].Longitude, rows[i].GetProperty("GPSLongitude").GetDouble(), 3);
            }
        }
    }

    [ToolFact("idevicebackup2")]
    public async Task Idevicebackup2_GeneratedPhone_BackupSucceeds()
    {
        await using var session = await SimulatorSession.StartAsync(fillPhone: p => GeneratedPhone.WriteTo(p, PhonePlan.Create(new PhoneProfile(4, SmallSize))));
        var target = session.BackupTarget();
        var result = session.Run("idevicebackup2", "backup", "--full", target).EnsureSuccess("idevicebackup2 backup --full");
        Assert.Contains("Backup Successful", result.StandardOutput, StringComparison.Ordinal);
        var files = Directory.EnumerateFiles(session.PhoneFolder, "*", SearchOption.AllDirectories).Count();
        Assert.True(files > 100);
        Assert.Equal(files, Directory.EnumerateFiles(Path.Combine(target, session.Host.Udid), "*", SearchOption.AllDirectories).Count(f => Path.GetFileName(Path.GetDirectoryName(f))!.Length == 2));
    }

    [Fact]
    public void PhoneProfile_SizeOutOfRange_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new PhoneProfile(1, 1024));
        Assert.Throws<ArgumentOutOfRangeException>(() => new PhoneProfile(1, PhoneProfile.MaximumSize + 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new PhoneProfile() { Photos = 2 });
        Assert.Throws<ArgumentOutOfRangeException>(() => PhonePlan.Create(new PhoneProfile(1, SmallSize)).Advance(0));
        Assert.Throws<ArgumentNullException>(() => PhonePlan.Create(null!));
    }

    private static SortedDictionary<string, string> Digests(string folder) =>
        new(Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories).ToDictionary(
            f => Path.GetRelativePath(folder, f) + "@" + File.GetLastWriteTimeUtc(f).Ticks.ToString(CultureInfo.InvariantCulture),
            f => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(f)))), StringComparer.Ordinal);

    private static string Sqlite(string path, string sql) =>
        ExternalTool.Run("sqlite3", [$"file:{path}?mode=ro&immutable=1", sql], TimeSpan.FromSeconds(30)).EnsureSuccess("sqlite3").StandardOutput.Trim();

    /// <summary>Every "table.column" of a database, opened read-only and immutable; a virtual table by its name (its module, e.g. AddressBook's custom FTS tokenizer, is Apple's).</summary>
    private static List<string> Columns(string path)
    {
        using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source=file:{path}?mode=ro&immutable=1;Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT m.name || '.' || p.name FROM sqlite_master m, pragma_table_info(m.name) p WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' AND m.sql NOT LIKE 'CREATE VIRTUAL TABLE%'
            UNION ALL SELECT name || ' (virtual)' FROM sqlite_master WHERE type = 'table' AND sql LIKE 'CREATE VIRTUAL TABLE%'
            ORDER BY 1
            """;
        using var reader = command.ExecuteReader();
        var list = new List<string>();
        while (reader.Read())
        {
            list.Add(reader.GetString(0));
        }

        return list;
    }
}
