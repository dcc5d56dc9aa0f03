using System.Text.Json;
using Keepsake.Export.Tests.Support;
using Keepsake.TestKit;

namespace Keepsake.Export.Tests.Voicemail;

public sealed class VoicemailExporterTests
{
    private const string Fixture = "ileapp-public-images/voicemail-hickman-ios15.3.1/voicemail.db";

    /// <summary>The fixture has the iOS 15 schema and no rows: every format succeeds with 0 and an empty table.</summary>
    [ToolFact("sqlite3", "chromium")]
    public async Task RunAsync_EmptyFixtureDatabase_SucceedsWithZeroInEveryFormat()
    {
        if (!Fixtures.Exists(Fixture))
        {
            Assert.True(Fixtures.Root is null, $"fixture {Fixture} missing");
            return;
        }

        using var temp = new TempDirectory();
        var copy = Fixtures.CopySqlite(Fixture, temp);
        var rows = ExternalTool.Run("sqlite3", [copy, "SELECT COUNT(*) FROM voicemail"]).EnsureSuccess("sqlite3").StandardOutput.Trim();
        Assert.Equal("0", rows);

        var csv = await ExportRunner.RunAsync(ExportKind.Voicemail, copy, temp.Combine("csv"), new ExportOptions { Format = "csv" });
        Assert.Equal(0, csv.Counts["voicemails"]);
        var table = CsvReader.Parse(File.ReadAllText(temp.Combine("csv", "voicemail.csv")));
        Assert.Equal("id", Assert.Single(table)[0]);

        await ExportRunner.RunAsync(ExportKind.Voicemail, copy, temp.Combine("json"), new ExportOptions { Format = "json" });
        using (var document = JsonDocument.Parse(File.ReadAllBytes(temp.Combine("json", "voicemail.json"))))
        {
            Assert.Equal(0, document.RootElement.GetArrayLength());
        }

        await ExportRunner.RunAsync(ExportKind.Voicemail, copy, temp.Combine("html"), new ExportOptions { Format = "html" });
        await using var chromium = await HeadlessChromium.LaunchAsync();
        var page = await chromium.LoadAsync(temp.Combine("html", "voicemail.html"));
        Assert.True(page.Problems.Count == 0, string.Join("\n", page.Problems));
        Assert.Equal(0, page.TableRows);
        Assert.Empty(Directory.GetFiles(temp.Path, "*.partial", SearchOption.AllDirectories));
    }

    /// <summary>
    /// AMR-NB as iOS stores it (and as the generated phone writes it: the magic, then 12.2 kbit/s frames of 20 ms) gets
    /// an AAC copy that ffprobe reads with the same length; an AMR file with no frames gets a note and no copy.
    /// </summary>
    [ToolFact("ffmpeg", "ffprobe")]
    public async Task RunAsync_AmrVoicemail_PlayableAacCopyOfTheSameLengthBesideTheOriginal()
    {
        using var temp = new TempDirectory();
        var db = temp.Combine("voicemail.db");
        using (var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={db};Pooling=False"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = """
                CREATE TABLE voicemail (ROWID INTEGER PRIMARY KEY AUTOINCREMENT, remote_uid INTEGER, date INTEGER, token TEXT, sender TEXT, callback_num TEXT, duration INTEGER, expiration INTEGER, trashed_date INTEGER, flags INTEGER, receiver TEXT, label TEXT);
                INSERT INTO voicemail (ROWID, date, sender, duration, trashed_date) VALUES (3, 1600000000, '+15551234567', 5, 0);
                INSERT INTO voicemail (ROWID, date, sender, duration, trashed_date) VALUES (4, 1600000100, '+15557654321', 0, 0);
                """;
            command.ExecuteNonQuery();
        }

        var amr = new MemoryStream();
        amr.Write("#!AMR\n"u8);
        var random = new Random(5);
        var frame = new byte[32];
        for (var i = 0; i < 250; i++)
        {
            random.NextBytes(frame);
            frame[0] = 0x3C;
            amr.Write(frame);
        }

        var source = new MemoryBackupSource();
        source.Add(Keepsake.Export.Voicemail.VoicemailExporter.Domain, Keepsake.Export.Voicemail.VoicemailExporter.Path, File.ReadAllBytes(db));
        source.Add(Keepsake.Export.Voicemail.VoicemailExporter.Domain, "Library/Voicemail/3.amr", amr.ToArray());
        source.Add(Keepsake.Export.Voicemail.VoicemailExporter.Domain, "Library/Voicemail/4.amr", "#!AMR\n"u8.ToArray());

        var result = await ExportRunner.RunAsync(ExportKind.Voicemail, source, temp.Combine("out"), new ExportOptions { Format = "csv" });

        Assert.Equal(2, result.Counts["audioCopied"]);
        Assert.Equal(1, result.Counts["audioConverted"]);
        var rows = CsvReader.Parse(File.ReadAllText(temp.Combine("out", "voicemail.csv")));
        var header = rows[0];
        var playable = rows[1][header.IndexOf("playable_audio_file")];
        Assert.EndsWith(".m4a", playable, StringComparison.Ordinal);
        Assert.Equal(amr.ToArray(), File.ReadAllBytes(Path.Combine(temp.Combine("out"), rows[1][header.IndexOf("audio_file")])));
        var probe = ExternalTool.Run("ffprobe", ["-v", "error", "-select_streams", "a:0", "-show_entries", "stream=codec_name:format=duration", "-of", "default=noprint_wrappers=1", Path.Combine(temp.Combine("out"), playable)]).EnsureSuccess("ffprobe");
        Assert.Contains("codec_name=aac", probe.StandardOutput, StringComparison.Ordinal);
        var duration = double.Parse(probe.StandardOutput.Split('\n').Single(l => l.StartsWith("duration=", StringComparison.Ordinal))["duration=".Length..], System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(duration, 4.8, 5.3);

        Assert.Equal(string.Empty, rows[2][header.IndexOf("playable_audio_file")]);
        Assert.Contains("could not decode", rows[2][header.IndexOf("playable_note")], StringComparison.Ordinal);
        Assert.Empty(Directory.EnumerateFiles(temp.Combine("out"), "*.partial", SearchOption.AllDirectories));
    }
}
