using System.Globalization;
using Keepsake.Export.Databases;
using Keepsake.Export.Notes;
using Keepsake.TestKit;

namespace Keepsake.Export.Tests.Notes;

public sealed class NotesExporterTests
{
    [ToolFact("sqlite3")]
    public async Task ExportAsync_FixtureNoteStores_OneFilePerNoteAsSqlite3Counts()
    {
        foreach (var fixture in new[] { "plaso-apple-dbs/NoteStore.sqlite", "ileapp-public-images/notes-hickman-ios17.3/NoteStore.sqlite" })
        {
            if (!Fixtures.Exists(fixture))
            {
                continue;
            }

            using var temp = new TempDirectory();
            var copy = Fixtures.CopySqlite(fixture, temp);
            var expected = int.Parse(ExternalTool.Run("sqlite3", [copy, "SELECT COUNT(*) FROM ZICCLOUDSYNCINGOBJECT n JOIN ZICNOTEDATA d ON d.Z_PK = n.ZNOTEDATA"]).EnsureSuccess("sqlite3").StandardOutput.Trim(), CultureInfo.InvariantCulture);
            var lockedExpected = int.Parse(ExternalTool.Run("sqlite3", [copy, "SELECT COUNT(*) FROM ZICCLOUDSYNCINGOBJECT n JOIN ZICNOTEDATA d ON d.Z_PK = n.ZNOTEDATA WHERE n.ZISPASSWORDPROTECTED = 1"]).EnsureSuccess("sqlite3").StandardOutput.Trim(), CultureInfo.InvariantCulture);
            using var db = DatabaseFile.OpenPath(copy);
            var result = await new NotesExporter(db).ExportAsync(temp.Combine("out"), NoteFormat.Markdown);
            Assert.Equal(expected, result.Notes);
            Assert.Equal(lockedExpected, result.Locked);
            Assert.Equal(0, result.Failed);
            Assert.Equal(expected, Directory.GetFiles(temp.Combine("out"), "*.md", SearchOption.AllDirectories).Length);
        }
    }
}
