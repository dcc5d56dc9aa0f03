using Keepsake.Export.Messages;
using Keepsake.TestKit;

namespace Keepsake.Export.Tests.Messages;

public sealed class EditHistoryTests
{
    private const string Folder = "imessage-exporter-blobs/edited_message";

    private static EditHistory Load(string name) =>
        EditHistory.Parse(File.ReadAllBytes(Fixtures.Path("imessage-exporter-blobs", "edited_message", name + ".plist")));

    [FixtureFact(Folder)]
    public void Parse_Edited_FourVersionsOfPartZeroOldestFirst()
    {
        var history = Load("Edited");
        var edit = Assert.Single(history.Edits);
        Assert.Equal(0, edit.Part);
        Assert.Equal(4, edit.Versions.Count);
        Assert.All(edit.Versions, v => Assert.DoesNotContain("undecodable", v.Text, StringComparison.Ordinal));
        Assert.All(edit.Versions, v => Assert.NotEqual(string.Empty, v.Text));
        Assert.True(edit.Versions.Zip(edit.Versions.Skip(1)).All(p => p.First.Date < p.Second.Date));
        Assert.Equal(2022, edit.Versions[0].Date!.Value.Year);
        Assert.False(history.IsFullyUnsent);
        Assert.Empty(history.UnsentParts);
    }

    [FixtureFact(Folder)]
    public void Parse_Deleted_OnlyPartUnsentIsFullyUnsent()
    {
        var history = Load("Deleted");
        Assert.Equal([0], history.UnsentParts);
        Assert.True(history.IsFullyUnsent);
        Assert.Empty(history.Edits);
    }

    [FixtureFact(Folder)]
    public void Parse_MultiPartOneDeleted_OnePartOfFourUnsent()
    {
        var history = Load("MultiPartOneDeleted");
        Assert.Equal([3], history.UnsentParts);
        Assert.False(history.IsFullyUnsent);
    }

    [FixtureFact(Folder)]
    public void Parse_EveryFixture_DecodesEveryVersion()
    {
        foreach (var file in Directory.GetFiles(Fixtures.Path("imessage-exporter-blobs", "edited_message"), "*.plist"))
        {
            var history = EditHistory.Parse(File.ReadAllBytes(file));
            Assert.Null(history.Diagnostic);
            Assert.True(history.Edits.Count > 0 || history.UnsentParts.Count > 0, Path.GetFileName(file));
            Assert.All(history.Edits.SelectMany(e => e.Versions), v => Assert.DoesNotContain("undecodable", v.Text, StringComparison.Ordinal));
        }

        var formatting = Load("EditedWithFormatting").Edits.Single();
        Assert.Equal("Test", formatting.Versions[^1].Text);
    }

    [Fact]
    public void Parse_Garbage_GivesNoneWithDiagnostic()
    {
        Assert.Same(EditHistory.None, EditHistory.Parse(null));
        var bad = EditHistory.Parse("bplist00 garbage"u8.ToArray());
        Assert.Empty(bad.Edits);
        Assert.NotNull(bad.Diagnostic);
    }
}
