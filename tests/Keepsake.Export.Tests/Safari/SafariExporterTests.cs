using System.Globalization;
using System.Text.Json;
using Keepsake.Export.Tests.Support;
using Keepsake.TestKit;
using Microsoft.Data.Sqlite;

namespace Keepsake.Export.Tests.Safari;

public sealed class SafariExporterTests
{
    /// <summary>A Bookmarks.db with the iOS table layout: root, the bar and menu folders, a nested folder, the reading list.</summary>
    private static string BuildBookmarks(TempDirectory temp)
    {
        var path = temp.Combine("Bookmarks.db");
        using var connection = new SqliteConnection($"Data Source={path};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = """
            CREATE TABLE bookmarks (id INTEGER PRIMARY KEY AUTOINCREMENT, special_id INTEGER DEFAULT 0, parent INTEGER, type INTEGER,
              title TEXT, url TEXT COLLATE NOCASE, num_children INTEGER DEFAULT 0, editable INTEGER DEFAULT 1, deletable INTEGER DEFAULT 1,
              hidden INTEGER DEFAULT 0, hidden_ancestor_count INTEGER DEFAULT 0, order_index INTEGER NOT NULL, external_uuid TEXT,
              read INTEGER DEFAULT NULL, last_modified REAL, server_id TEXT, sync_key TEXT, added INTEGER DEFAULT 1, deleted INTEGER DEFAULT 0);
            INSERT INTO bookmarks (id, special_id, parent, type, title, url, num_children, order_index) VALUES
              (0, 0, 0, 1, 'Root', NULL, 3, 0),
              (1, 1, 0, 1, 'BookmarksBar', NULL, 2, 0),
              (2, 2, 0, 1, 'BookmarksMenu', NULL, 1, 1),
              (3, 0, 0, 1, 'com.apple.ReadingList', NULL, 1, 2),
              (4, 0, 1, 1, 'News, "daily" <picks>', NULL, 2, 0),
              (5, 0, 4, 0, 'BBC — News', 'https://www.bbc.co.uk/news', 0, 0),
              (6, 0, 4, 0, 'Le Monde', 'https://www.lemonde.fr/', 0, 1),
              (7, 0, 1, 0, 'Apple', 'https://www.apple.com/', 0, 1),
              (8, 0, 2, 0, 'Maps', 'https://maps.apple.com/?q=Paris', 0, 0),
              (9, 0, 3, 0, 'An article to read later', 'https://example.com/article?id=1&x=2', 0, 0);
            UPDATE bookmarks SET hidden = 1 WHERE id = 8;
            """;
        command.ExecuteNonQuery();
        return path;
    }

    [ToolFact("sqlite3", "chromium")]
    public async Task RunAsync_Bookmarks_EveryLeafWithFolderPathInCsvJsonAndHtml()
    {
        using var temp = new TempDirectory();
        var db = BuildBookmarks(temp);
        const string InReadingList = "parent IN (SELECT id FROM bookmarks WHERE title = 'com.apple.ReadingList')";
        var expected = long.Parse(ExternalTool.Run("sqlite3", [db, $"SELECT COUNT(*) FROM bookmarks WHERE url IS NOT NULL AND NOT {InReadingList}"]).EnsureSuccess("sqlite3").StandardOutput.Trim(), CultureInfo.InvariantCulture);
        var reading = ExternalTool.Run("sqlite3", [db, $"SELECT id || '|' || title || '|' || url FROM bookmarks WHERE url IS NOT NULL AND {InReadingList} ORDER BY id"]).EnsureSuccess("sqlite3").StandardOutput
            .Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split('|')).ToList();
        Assert.NotEmpty(reading);

        var csv = await ExportRunner.RunAsync(ExportKind.Safari, db, temp.Combine("csv"), new ExportOptions { Format = "csv" });
        Assert.Equal(expected, csv.Counts["bookmarks"]);
        var rows = CsvReader.Parse(File.ReadAllText(temp.Combine("csv", "safari-bookmarks.csv")));
        Assert.Equal(["id", "folder", "title", "url", "hidden"], rows[0]);
        Assert.Equal(expected, rows.Count - 1);
        Assert.Equal(["5", "Root / BookmarksBar / News, \"daily\" <picks>", "BBC — News", "https://www.bbc.co.uk/news", "false"], rows[1]);
        Assert.DoesNotContain(rows, r => r[1].Contains("com.apple.ReadingList", StringComparison.Ordinal));

        // The Reading List is its own list, not a bookmark folder.
        Assert.Equal(reading.Count, csv.Counts["readingList"]);
        var list = CsvReader.Parse(File.ReadAllText(temp.Combine("csv", "safari-reading-list.csv")));
        Assert.Equal(["id", "title", "url", "read"], list[0]);
        Assert.Equal(reading.Select(r => string.Join("|", r)), list.Skip(1).Select(r => string.Join("|", r.Take(3))));
        Assert.Equal("true", rows.Single(r => r[0] == "8")[4]);

        await ExportRunner.RunAsync(ExportKind.Safari, db, temp.Combine("json"), new ExportOptions { Format = "json" });
        using (var document = JsonDocument.Parse(File.ReadAllBytes(temp.Combine("json", "safari-bookmarks.json"))))
        {
            Assert.Equal(expected, document.RootElement.GetArrayLength());
            Assert.Equal("Root / BookmarksMenu", document.RootElement.EnumerateArray().Single(e => e.GetProperty("id").GetInt64() == 8).GetProperty("folder").GetString());
        }

        await ExportRunner.RunAsync(ExportKind.Safari, db, temp.Combine("html"), new ExportOptions { Format = "html" });
        await using var chromium = await HeadlessChromium.LaunchAsync();
        var page = await chromium.LoadAsync(temp.Combine("html", "safari-bookmarks.html"), "safari-bookmarks");
        Assert.True(page.Problems.Count == 0, string.Join("\n", page.Problems));
        Assert.Equal(expected, page.TableRows);
        Assert.Contains("News, \"daily\" <picks>", page.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("https://example.com/article?id=1&x=2", page.Text, StringComparison.Ordinal);
        var listPage = await chromium.LoadAsync(temp.Combine("html", "safari-reading-list.html"), "safari-reading-list");
        Assert.True(listPage.Problems.Count == 0, string.Join("\n", listPage.Problems));
        Assert.Contains("https://example.com/article?id=1&x=2", listPage.Text, StringComparison.Ordinal);
    }

    [ToolFact("sqlite3", "chromium")]
    public async Task RunAsync_HistoryFixture_HtmlTableHasEveryVisit()
    {
        const string Fixture = "plaso-apple-dbs/History.db";
        if (!Fixtures.Exists(Fixture))
        {
            Assert.True(Fixtures.Root is null, $"fixture {Fixture} missing");
            return;
        }

        using var temp = new TempDirectory();
        var copy = Fixtures.CopySqlite(Fixture, temp);
        var result = await ExportRunner.RunAsync(ExportKind.Safari, copy, temp.Combine("html"), new ExportOptions { Format = "html" });
        var expected = long.Parse(ExternalTool.Run("sqlite3", [copy, "SELECT COUNT(*) FROM history_visits"]).EnsureSuccess("sqlite3").StandardOutput.Trim(), CultureInfo.InvariantCulture);
        Assert.Equal(expected, result.Counts["visits"]);
        await using var chromium = await HeadlessChromium.LaunchAsync();
        var html = temp.Combine("html", "safari-history.html");
        var page = await chromium.LoadAsync(html, "safari-history");
        Assert.True(page.Problems.Count == 0, string.Join("\n", page.Problems));
        Assert.Contains("times in UTC", page.Text, StringComparison.Ordinal);

        // Readable, not a table of columns: one section per day, each visit under its own day with its
        // title linked to its address, as sqlite3 dates and joins them.
        Assert.Equal(0, page.TableRows);
        var days = ExternalTool.Run("sqlite3", [copy, "SELECT v.id || '|' || date(v.visit_time + 978307200, 'unixepoch') || '|' || COALESCE(i.url, '') FROM history_visits v LEFT JOIN history_items i ON i.id = v.history_item"])
            .EnsureSuccess("sqlite3").StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split('|', 3)).ToList();
        using var shown = await chromium.QueryAsync(html, "[...document.querySelectorAll('section')].map(s => ({ day: s.querySelector('h2').id, visits: [...s.querySelectorAll('li')].map(li => ({ id: li.id, href: li.querySelector('a') ? li.querySelector('a').href : null })) }))");
        var visits = shown.RootElement.EnumerateArray()
            .SelectMany(d => d.GetProperty("visits").EnumerateArray().Select(v => (Id: v.GetProperty("id").GetString()!, Day: d.GetProperty("day").GetString()!, Href: v.GetProperty("href").GetString())))
            .ToDictionary(v => v.Id);
        Assert.Equal(days.Count, visits.Count);
        Assert.Equal(days.Select(d => d[1]).Distinct().Count(), shown.RootElement.GetArrayLength());
        foreach (var d in days)
        {
            var visit = visits["v-" + d[0]];
            Assert.Equal("d-" + d[1], visit.Day);
            if (d[2].StartsWith("http", StringComparison.Ordinal))
            {
                Assert.Equal(new Uri(d[2]).AbsoluteUri, visit.Href);
            }
        }
    }
}
