using System.Text.Json;
using Keepsake.Export.Photos;
using Keepsake.Export.Tests.Support;
using Keepsake.Export.Voicemail;
using Keepsake.TestKit;
using Microsoft.Data.Sqlite;

namespace Keepsake.Export.Tests.Photos;

public sealed class PhotosExporterTests
{
    private static byte[] BuildDatabase(TempDirectory temp, string name, string sql)
    {
        var path = temp.Combine(name);
        using (var connection = new SqliteConnection($"Data Source={path};Pooling=False"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = sql;
            command.ExecuteNonQuery();
        }

        return File.ReadAllBytes(path);
    }

    [Fact]
    public async Task RunAsync_Photos_CopiesOriginalsWithNamesDatesAlbumsAndFlags()
    {
        using var temp = new TempDirectory();
        var db = BuildDatabase(temp, "Photos.sqlite", """
            CREATE TABLE ZASSET (Z_PK INTEGER PRIMARY KEY, ZDIRECTORY TEXT, ZFILENAME TEXT, ZKIND INTEGER, ZDATECREATED TIMESTAMP, ZFAVORITE INTEGER, ZHIDDEN INTEGER,
              ZTRASHEDSTATE INTEGER, ZWIDTH INTEGER, ZHEIGHT INTEGER, ZDURATION FLOAT, ZLATITUDE FLOAT, ZLONGITUDE FLOAT, ZADDITIONALATTRIBUTES INTEGER);
            CREATE TABLE ZADDITIONALASSETATTRIBUTES (Z_PK INTEGER PRIMARY KEY, ZORIGINALFILENAME TEXT);
            CREATE TABLE ZGENERICALBUM (Z_PK INTEGER PRIMARY KEY, ZTITLE TEXT);
            CREATE TABLE Z_28ASSETS (Z_28ALBUMS INTEGER, Z_3ASSETS INTEGER, Z_FOK_3ASSETS INTEGER);
            INSERT INTO ZASSET VALUES (1, 'DCIM/100APPLE', 'IMG_0001.HEIC', 0, 600000000, 1, 0, 0, 4032, 3024, 0, 48.85, 2.35, 1);
            INSERT INTO ZASSET VALUES (2, 'DCIM/100APPLE', 'IMG_0002.MOV', 1, 600000100, 0, 1, 0, 1920, 1080, 12.5, -180.0, -180.0, 2);
            INSERT INTO ZASSET VALUES (3, 'PhotoData/CPLAssets/group1', 'ABC.JPG', 0, 600000200, 0, 0, 1, 10, 10, 0, -180.0, -180.0, NULL);
            INSERT INTO ZADDITIONALASSETATTRIBUTES VALUES (1, 'Eiffel.HEIC'), (2, '../../evil.MOV');
            INSERT INTO ZGENERICALBUM VALUES (10, 'Paris / 2020');
            INSERT INTO Z_28ASSETS VALUES (10, 1, 1);
            """);
        var source = new MemoryBackupSource();
        source.Add(PhotosExporter.Domain, PhotosExporter.Path, db);
        source.Add(PhotosExporter.Domain, "Media/DCIM/100APPLE/IMG_0001.HEIC", [1, 2, 3]);
        source.Add(PhotosExporter.Domain, "Media/DCIM/100APPLE/IMG_0002.MOV", [4, 5]);

        var result = await ExportRunner.RunAsync(ExportKind.Photos, source, temp.Combine("out"), new ExportOptions { Format = "json", PhotosByAlbum = true });
        Assert.Equal(3, result.Counts["assets"]);
        Assert.Equal(2, result.Counts["copied"]);
        Assert.Equal(1, result.Counts["missing"]);
        var photo = temp.Combine("out", "photos", "Eiffel.HEIC");
        Assert.Equal([1, 2, 3], File.ReadAllBytes(photo));
        Assert.Equal(new DateTime(2020, 1, 6, 10, 40, 0, DateTimeKind.Utc), File.GetLastWriteTimeUtc(photo));
        Assert.True(File.Exists(temp.Combine("out", "albums", "Paris _ 2020", "Eiffel.HEIC")));
        Assert.Single(Directory.GetFiles(temp.Combine("out", "photos")), f => Path.GetFileName(f).EndsWith("evil.MOV", StringComparison.Ordinal));

        using var index = JsonDocument.Parse(File.ReadAllBytes(temp.Combine("out", "photos-index.json")));
        var rows = index.RootElement.EnumerateArray().ToList();
        Assert.True(rows[0].GetProperty("favorite").GetBoolean());
        Assert.Equal("Paris / 2020", rows[0].GetProperty("albums").GetString());
        Assert.True(rows[1].GetProperty("hidden").GetBoolean());
        Assert.Equal("video", rows[1].GetProperty("kind").GetString());
        Assert.Equal(JsonValueKind.Null, rows[1].GetProperty("latitude").ValueKind);
        Assert.True(rows[2].GetProperty("trashed").GetBoolean());
        Assert.Contains("not in the backup", rows[2].GetProperty("missing_reason").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_Voicemail_CopiesAudioWithTranscriptAndNames()
    {
        using var temp = new TempDirectory();
        var db = BuildDatabase(temp, "voicemail.db", """
            CREATE TABLE voicemail (ROWID INTEGER PRIMARY KEY AUTOINCREMENT, remote_uid INTEGER, date INTEGER, token TEXT, sender TEXT, callback_num TEXT, duration INTEGER, expiration INTEGER, trashed_date INTEGER, flags INTEGER, receiver TEXT, label TEXT);
            INSERT INTO voicemail (ROWID, date, sender, callback_num, duration, trashed_date) VALUES (7, 1600000000, '+15551234567', '+15551234567', 31, 0);
            INSERT INTO voicemail (ROWID, date, sender, duration, trashed_date) VALUES (8, 1600000500, '+15559999999', 5, 622000000);
            """);
        var book = BuildDatabase(temp, "AddressBook.sqlitedb", """
            CREATE TABLE ABPerson (ROWID INTEGER PRIMARY KEY, First TEXT, Last TEXT);
            CREATE TABLE ABMultiValue (UID INTEGER PRIMARY KEY, record_id INTEGER, property INTEGER, label INTEGER, value TEXT);
            INSERT INTO ABPerson VALUES (1, 'Mum', NULL);
            INSERT INTO ABMultiValue VALUES (1, 1, 3, NULL, '555-123-4567');
            """);
        var transcript = System.Text.Encoding.UTF8.GetBytes("""
            <?xml version="1.0" encoding="UTF-8"?>
            <plist version="1.0"><dict><key>transcriptionString</key><string>Call me back</string><key>confidence</key><real>0.9</real></dict></plist>
            """);
        var source = new MemoryBackupSource();
        source.Add(VoicemailExporter.Domain, VoicemailExporter.Path, db);
        source.Add("HomeDomain", "Library/AddressBook/AddressBook.sqlitedb", book);
        source.Add(VoicemailExporter.Domain, "Library/Voicemail/7.amr", "#!AMR\n"u8.ToArray());
        source.Add(VoicemailExporter.Domain, "Library/Voicemail/7.transcript", transcript);

        var result = await ExportRunner.RunAsync(ExportKind.Voicemail, source, temp.Combine("out"));
        Assert.Equal(2, result.Counts["voicemails"]);
        Assert.Equal(1, result.Counts["audioCopied"]);
        var rows = CsvReader.Parse(File.ReadAllText(temp.Combine("out", "voicemail.csv")));
        var header = rows[0];
        Assert.Equal("Mum", rows[1][header.IndexOf("name")]);
        Assert.Equal("Call me back", rows[1][header.IndexOf("transcript")]);
        Assert.Equal("2020-09-13T12:26:40.000+00:00", rows[1][header.IndexOf("date")]);
        Assert.Equal("true", rows[2][header.IndexOf("trashed")]);
        var audio = rows[1][header.IndexOf("audio_file")];
        Assert.Equal("#!AMR\n"u8.ToArray(), File.ReadAllBytes(Path.Combine(temp.Combine("out"), audio)));
        Assert.Equal("not in the backup", rows[2][header.IndexOf("missing_reason")]);
    }
}
