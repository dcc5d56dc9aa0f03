using Keepsake.BackupFormat;
using Keepsake.BackupFormat.Writer;
using Keepsake.Export.History;
using Keepsake.Export.Messages;
using Keepsake.Export.Notes;
using Keepsake.TestKit;

namespace Keepsake.Export.Tests.History;

/// <summary>
/// <see cref="BackupDataDiff"/> on the real sms.db and NoteStore fixtures: two backups, the second made
/// from a copy with rows deleted, added and changed by the sqlite3 tool; what the diff lists is compared
/// with what sqlite3 says differs between the two databases.
/// </summary>
public sealed class BackupDataDiffTests
{
    private const string Sqlite3 = "/usr/bin/sqlite3";

    [FixtureFact("magnet-ctf2020-smsdb")]
    public async Task CompareAsync_RealSmsDbWithRowsDeletedAndAdded_ListsExactlyWhatSqliteSaysDiffers()
    {
        using var temp = new TempDirectory();
        var before = Single(Fixtures.CopySqlite("magnet-ctf2020-smsdb/sms.db", temp));
        var after = temp.Combine("after.db");
        File.Copy(before, after);
        Sql(after, """
            DELETE FROM message WHERE ROWID IN (SELECT ROWID FROM message ORDER BY ROWID LIMIT 5 OFFSET 20);
            INSERT INTO message (guid, text, date, handle_id, is_from_me) VALUES ('KEEPSAKE-ADDED-1', 'Ça va? 東京で会おう 🎉', 600000000000000000, 0, 1);
            UPDATE message SET text = 'edited by the test', attributedBody = NULL WHERE ROWID = (SELECT ROWID FROM message WHERE text IS NOT NULL ORDER BY ROWID LIMIT 1 OFFSET 40);
            """);
        var deleted = Lines(Sql(before, $"ATTACH '{after}' AS b; SELECT 'message:' || guid FROM main.message EXCEPT SELECT 'message:' || guid FROM b.message ORDER BY 1;"));
        var added = Lines(Sql(before, $"ATTACH '{after}' AS b; SELECT 'message:' || guid FROM b.message EXCEPT SELECT 'message:' || guid FROM main.message ORDER BY 1;"));
        var edited = Lines(Sql(before, $"ATTACH '{after}' AS b; SELECT 'message:' || m.guid FROM main.message m JOIN b.message n ON n.guid = m.guid WHERE n.text IS NOT m.text OR n.attributedBody IS NOT m.attributedBody ORDER BY 1;"));
        Assert.Equal(5, deleted.Count);
        Assert.Single(added);
        Assert.Single(edited);

        using var older = Backup(temp.Combine("older"), (MessagesDatabase.HomeDomain, MessagesDatabase.SmsDbPath, before));
        using var newer = Backup(temp.Combine("newer"), (MessagesDatabase.HomeDomain, MessagesDatabase.SmsDbPath, after));
        var diff = await BackupDataDiff.CompareAsync(older, newer, [DataKind.Messages, DataKind.Notes]);

        var messages = diff.Kinds[0];
        Assert.Equal(DataKind.Messages, messages.Kind);
        Assert.Equal(deleted, messages.Deleted.Select(m => m.Id).ToList());
        Assert.Equal(added, messages.Added.Select(m => m.Id).ToList());
        Assert.Equal(edited, messages.Changed.Select(c => c.Item.Id).ToList());
        Assert.Equal(["text"], messages.Changed[0].ChangedFields);
        Assert.Equal("Ça va? 東京で会おう 🎉", messages.Added[0].Text);
        Assert.Equal("Me", messages.Added[0].Sender);
        foreach (var message in messages.Deleted)
        {
            var guid = message.Id["message:".Length..];
            var text = Sql(before, $"SELECT COALESCE(text, '') FROM message WHERE guid = '{guid}';").TrimEnd('\n');
            if (text.Length > 0 && !text.Contains('\uFFFC', StringComparison.Ordinal))
            {
                Assert.Equal(text, message.Text);
            }
        }

        var notes = diff.Kinds[1];
        Assert.False(notes.InOlder);
        Assert.False(notes.InNewer);
        Assert.Empty(notes.Added);
    }

    [FixtureFact("plaso-apple-dbs")]
    public async Task CompareAsync_RealNoteStoreWithANoteDeletedAndRenamed_ListsWhatSqliteSaysDiffers()
    {
        using var temp = new TempDirectory();
        var before = Single(Fixtures.CopySqlite("plaso-apple-dbs/NoteStore.sqlite", temp));
        var after = temp.Combine("after.sqlite");
        File.Copy(before, after);
        Sql(after, """
            DELETE FROM ZICCLOUDSYNCINGOBJECT WHERE Z_PK = (SELECT Z_PK FROM ZICCLOUDSYNCINGOBJECT WHERE ZNOTEDATA IS NOT NULL ORDER BY Z_PK LIMIT 1);
            UPDATE ZICCLOUDSYNCINGOBJECT SET ZTITLE1 = 'Renamed: 日本語のメモ' WHERE Z_PK = (SELECT Z_PK FROM ZICCLOUDSYNCINGOBJECT WHERE ZNOTEDATA IS NOT NULL ORDER BY Z_PK LIMIT 1 OFFSET 2);
            """);
        const string Notes = "FROM {0}.ZICCLOUDSYNCINGOBJECT n JOIN {0}.ZICNOTEDATA d ON d.Z_PK = n.ZNOTEDATA";
        var deleted = Lines(Sql(before, $"ATTACH '{after}' AS b; SELECT 'note:' || n.ZIDENTIFIER {string.Format(null, Notes, "main")} EXCEPT SELECT 'note:' || n.ZIDENTIFIER {string.Format(null, Notes, "b")} ORDER BY 1;"));
        var renamed = Lines(Sql(before, $"ATTACH '{after}' AS b; SELECT 'note:' || m.ZIDENTIFIER FROM main.ZICCLOUDSYNCINGOBJECT m JOIN b.ZICCLOUDSYNCINGOBJECT n ON n.ZIDENTIFIER = m.ZIDENTIFIER WHERE m.ZNOTEDATA IS NOT NULL AND n.ZTITLE1 IS NOT m.ZTITLE1 ORDER BY 1;"));
        var count = int.Parse(Sql(before, $"SELECT COUNT(*) {string.Format(null, Notes, "main")};"), System.Globalization.CultureInfo.InvariantCulture);
        Assert.Single(deleted);
        Assert.Single(renamed);

        using var older = Backup(temp.Combine("older"), (NotesExporter.Domain, NotesExporter.Path, before));
        using var newer = Backup(temp.Combine("newer"), (NotesExporter.Domain, NotesExporter.Path, after));
        var diff = await BackupDataDiff.CompareAsync(older, newer, [DataKind.Notes]);

        var notes = Assert.Single(diff.Kinds);
        Assert.Equal(deleted, notes.Deleted.Select(n => n.Id).ToList());
        Assert.Empty(notes.Added);
        var change = Assert.Single(notes.Changed);
        Assert.Equal(renamed[0], change.Item.Id);
        Assert.Equal(["title"], change.ChangedFields);
        Assert.Equal("Renamed: 日本語のメモ", change.Item.Title);

        using var reader = await DataItemReader.OpenAsync(newer, DataKind.Notes);
        Assert.Equal(count - 1, reader!.ReadItems().Count());
    }

    [Fact]
    public void Compare_SidesInCodePointOrder_AddsDeletesAndChangesById()
    {
        DataItem Item(string id, string text) => new(DataKind.Messages, id, null, "chat", "Me", text) { Fields = new Dictionary<string, string> { ["text"] = text } };
        var result = BackupDataDiff.Compare(DataKind.Messages, [Item("message:A", "x"), Item("message:B", "y"), Item("message:\uD83D\uDE00", "z")], [Item("message:B", "y2"), Item("message:C", "c"), Item("message:\uFFFD", "w")]);

        Assert.Equal(["message:A", "message:😀"], result.Deleted.Select(i => i.Id));
        Assert.Equal(["message:C", "message:\uFFFD"], result.Added.Select(i => i.Id));
        Assert.Equal("message:B", Assert.Single(result.Changed).Item.Id);
        Assert.True(DataItemReader.CompareIds("\uFFFD", "\uD83D\uDE00") < 0);
    }

    /// <summary>Folds the copy's -wal into it (sqlite3 on the copy, never on the fixture), so one file holds every row.</summary>
    private static string Single(string copy)
    {
        Sql(copy, "PRAGMA journal_mode=DELETE;");
        return copy;
    }

    private static BackupFolder Backup(string folder, params (string Domain, string Path, string File)[] files)
    {
        using (var writer = BackupWriter.Create(folder, new BackupWriterOptions { Udid = "00008030-0000HISTORY00001" }))
        {
            foreach (var (domain, path, file) in files)
            {
                using var stream = File.OpenRead(file);
                writer.AddFile(domain, path, stream);
            }

            writer.Complete();
        }

        return BackupFolder.Open(folder);
    }

    private static string Sql(string database, string sql) =>
        ExternalTool.Run(Sqlite3, [database], TimeSpan.FromMinutes(1), standardInput: sql).EnsureSuccess("sqlite3").StandardOutput;

    private static List<string> Lines(string output) => [.. output.Split('\n', StringSplitOptions.RemoveEmptyEntries)];
}
