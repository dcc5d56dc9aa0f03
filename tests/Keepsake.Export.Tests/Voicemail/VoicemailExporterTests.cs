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
}
