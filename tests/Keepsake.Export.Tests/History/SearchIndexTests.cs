using Keepsake.BackupFormat;
using Keepsake.BackupFormat.Writer;
using Keepsake.Export.History;
using Keepsake.Export.Messages;
using Keepsake.TestKit;

namespace Keepsake.Export.Tests.History;

/// <summary>
/// <see cref="SearchIndex"/> over two backups of the real sms.db fixture (the second with rows deleted and
/// added by sqlite3): each message is stored once, a deleted one is found with the snapshot it is missing
/// from, and diacritics, emoji and CJK queries find their messages. Counts are checked with sqlite3.
/// </summary>
public sealed class SearchIndexTests
{
    private const string Sqlite3 = "/usr/bin/sqlite3";
    private const string Device = "00008030-0000HISTORY00001";

    [FixtureFact("magnet-ctf2020-smsdb")]
    public async Task AddSnapshotAsync_TwoSnapshots_StoresEachMessageOnceAndFindsDeletedDiacriticEmojiAndCjk()
    {
        using var temp = new TempDirectory();
        var before = Fixtures.CopySqlite("magnet-ctf2020-smsdb/sms.db", temp);
        Sql(before, "PRAGMA journal_mode=DELETE;");
        var after = temp.Combine("after.db");
        File.Copy(before, after);
        Sql(after, """
            DELETE FROM message WHERE ROWID IN (SELECT ROWID FROM message ORDER BY ROWID LIMIT 2 OFFSET 30);
            INSERT INTO message (guid, text, date, handle_id, is_from_me) VALUES ('KEEPSAKE-CAFE', 'Un café au lait à Montréal, Zoë?', 700000000000000000, 0, 1);
            INSERT INTO message (guid, text, date, handle_id, is_from_me) VALUES ('KEEPSAKE-TOKYO', '明日は東京で会おう', 700000001000000000, 0, 1);
            INSERT INTO message (guid, text, date, handle_id, is_from_me) VALUES ('KEEPSAKE-PARTY', 'Party tonight 🎉🥳', 700000002000000000, 0, 1);
            """);
        var deletedGuid = Sql(before, $"ATTACH '{after}' AS b; SELECT guid FROM main.message WHERE guid NOT IN (SELECT guid FROM b.message) ORDER BY length(text) DESC LIMIT 1;").Trim();
        var union = long.Parse(Sql(before, $"ATTACH '{after}' AS b; SELECT COUNT(*) FROM (SELECT guid FROM main.message UNION SELECT guid FROM b.message);"), System.Globalization.CultureInfo.InvariantCulture);

        using var older = Backup(temp.Combine("older"), before);
        using var newer = Backup(temp.Combine("newer"), after);
        var path = temp.Combine("index", "vault.sqlite");
        var first = new IndexedSnapshot(new string('a', 64), new DateTimeOffset(2024, 3, 1, 10, 0, 0, TimeSpan.Zero), Device);
        var second = new IndexedSnapshot(new string('b', 64), new DateTimeOffset(2024, 4, 1, 10, 0, 0, TimeSpan.Zero), Device);
        using (var index = SearchIndex.Open(path, create: true))
        {
            Assert.True(await index.AddSnapshotAsync(first, older) > 0);
            Assert.True(await index.AddSnapshotAsync(second, newer) > 0);
            Assert.Equal(0, await index.AddSnapshotAsync(second, newer));
            Assert.Equal([first.Id, second.Id], index.Snapshots().Select(s => s.Id));

            var cafe = Assert.Single(index.Search(new SearchQuery("cafe montreal")));
            Assert.Equal("message:KEEPSAKE-CAFE", cafe.Id);
            Assert.Contains("[café]", cafe.Snippet, StringComparison.Ordinal);
            Assert.Null(cafe.DeletedSince);
            Assert.Equal(second.Id, cafe.FirstSnapshot);
            Assert.Equal("message:KEEPSAKE-CAFE", Assert.Single(index.Search(new SearchQuery("ZOE"))).Id);
            Assert.Equal("message:KEEPSAKE-TOKYO", Assert.Single(index.Search(new SearchQuery("東京"))).Id);
            Assert.Equal("message:KEEPSAKE-TOKYO", Assert.Single(index.Search(new SearchQuery("会おう"))).Id);
            Assert.Equal("message:KEEPSAKE-PARTY", Assert.Single(index.Search(new SearchQuery("🎉"))).Id);
            Assert.Empty(index.Search(new SearchQuery("cafe") { Kind = DataKind.Notes }));
            Assert.Empty(index.Search(new SearchQuery("cafe") { To = new DateTimeOffset(2020, 1, 1, 0, 0, 0, TimeSpan.Zero) }));

            var deleted = index.Find("message:" + deletedGuid)!;
            Assert.Equal(first.Id, deleted.LastSnapshot);
            var words = System.Text.RegularExpressions.Regex.Matches(deleted.Snippet, @"\p{L}{4,}").Select(m => m.Value).Take(2).ToList();
            Assert.NotEmpty(words);
            var found = index.Search(new SearchQuery(string.Join(' ', words)) { Limit = 1000 });
            Assert.Equal(second.Id, Assert.Single(found, h => h.Id == deleted.Id).DeletedSince);

            var context = index.Context(deleted, 5);
            Assert.Contains(context, h => h.Id == deleted.Id);
            Assert.InRange(context.Count, 1, 11);
            Assert.All(context, h => Assert.Equal(deleted.Title, h.Title));
            Assert.Equal(context.OrderBy(h => h.Date).Select(h => h.Id), context.Select(h => h.Id));
        }

        // Stored once per message, whatever the number of snapshots; owner-only.
        Assert.Equal(union, long.Parse(Sql(path, "SELECT COUNT(*) FROM items WHERE kind = 'messages';"), System.Globalization.CultureInfo.InvariantCulture));
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        }

        Assert.True(SearchIndex.Delete(path));
        Assert.False(File.Exists(path));
        Assert.False(SearchIndex.Delete(path));
        Assert.False(SearchIndex.Delete(temp.Combine("no-such-folder", "index.sqlite")));
    }

    private static BackupFolder Backup(string folder, string smsDb)
    {
        using (var writer = BackupWriter.Create(folder, new BackupWriterOptions { Udid = Device }))
        {
            using var stream = File.OpenRead(smsDb);
            writer.AddFile(MessagesDatabase.HomeDomain, MessagesDatabase.SmsDbPath, stream);
            writer.Complete();
        }

        return BackupFolder.Open(folder);
    }

    private static string Sql(string database, string sql) =>
        ExternalTool.Run(Sqlite3, [database], TimeSpan.FromMinutes(1), standardInput: sql).EnsureSuccess("sqlite3").StandardOutput;
}
