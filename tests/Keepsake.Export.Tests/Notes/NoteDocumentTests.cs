using Keepsake.Export.Notes;
using Keepsake.TestKit;

namespace Keepsake.Export.Tests.Notes;

public sealed class NoteDocumentTests
{
    private const string Blobs = "apple-notes-protobuf-blobs";

    private static NoteDocument Load(string name) => NoteDocument.Decode(File.ReadAllBytes(Fixtures.Path(Blobs, name)));

    [FixtureTheory(Blobs)]
    [InlineData("block_quotes_gzipped.bin", "Block quotes\n\nThis is a block quote")]
    [InlineData("color_formatting_gzipped.bin", "Text colors\n\nRed\nGreen\nRed Bold Red italic")]
    [InlineData("emoji_formatting_1_gzipped.bin", "Emojis and formatting\n\n🚀1🚀2🕹️3💻4")]
    [InlineData("emoji_formatting_2_gzipped.bin", "Graphic designer\nGraphic Designer 💻 from Stockport, UK 📍")]
    [InlineData("emoji_formatting_3_gzipped.bin", "More emoji formatting\n\nBold: bold")]
    [InlineData("html_gzipped.bin", "Things that mess HTML up\t\n\n<HTML>\n\t<head>")]
    [InlineData("list_indents_gzipped.bin", "Indents in lists\n\nChecklist\nIndented checklist 1")]
    [InlineData("simple_note_protobuf_gzipped.bin", "Title")]
    [InlineData("text_decorations_gzipped.bin", "Title\nBold body \nItalic body\nBold italic")]
    [InlineData("url_gzipped.bin", "Link test\n\n.. that Jim Nettles followed ")]
    [InlineData("wide_characters_gzipped.bin", "但他還是希望\n體驗看法覺得很")]
    public void Decode_GzippedNote_GivesItsText(string name, string start)
    {
        var document = Load(name);
        Assert.StartsWith(start, document.Text, StringComparison.Ordinal);
        Assert.Equal(document.Text.Length, document.Runs.Sum(r => r.Length));
    }

    [FixtureTheory(Blobs)]
    [InlineData("right_to_left_table_gzipped.bin")]
    [InlineData("table_formats_gzipped.bin")]
    [InlineData("table_gzipped.bin")]
    public void Decode_TableObjectBlob_HasNoNoteText(string name)
    {
        // These three hold the mergeable data of a table attachment, not a note: Note.text is absent or empty.
        Assert.Equal(string.Empty, Load(name).Text);
    }

    [FixtureFact(Blobs)]
    public void Decode_UncompressedAndGzipped_Agree()
    {
        Assert.Equal(Load("simple_note_protobuf.bin").Text, Load("simple_note_protobuf_gzipped.bin").Text);
    }

    [FixtureFact(Blobs)]
    public void Decode_TextDecorations_RunsCarryWeightAndStyles()
    {
        var document = Load("text_decorations_gzipped.bin");
        Assert.Contains(document.Runs, r => r.FontWeight == 1 && document.Text.Substring(r.Start, r.Length).Contains("Bold body", StringComparison.Ordinal));
        Assert.Contains(document.Runs, r => r.FontWeight == 2 && document.Text.Substring(r.Start, r.Length).Contains("Italic body", StringComparison.Ordinal));
        var markdown = NoteRenderer.Render(document, NoteFormat.Markdown);
        Assert.Contains("**Bold body**", markdown, StringComparison.Ordinal);
        Assert.Contains("_Italic body_", markdown, StringComparison.Ordinal);
    }

    [FixtureFact(Blobs)]
    public void Decode_Url_HasLinkRun()
    {
        var document = Load("url_gzipped.bin");
        var link = document.Runs.First(r => r.Link is not null).Link!;
        Assert.StartsWith("http", link, StringComparison.Ordinal);
        Assert.Contains($"href=\"", NoteRenderer.Render(document, NoteFormat.Html), StringComparison.Ordinal);
    }

    [FixtureFact(Blobs)]
    public void Render_HtmlNote_EscapesMarkup()
    {
        var html = NoteRenderer.Render(Load("html_gzipped.bin"), NoteFormat.Html);
        Assert.Contains("&lt;HTML&gt;", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Decode_Truncated_ThrowsProtobufExceptionWithOffset()
    {
        // field 2, length-delimited, length 10, but only 2 bytes follow
        var ex = Assert.Throws<ProtobufException>(() => NoteDocument.DecodeProtobuf([0x12, 0x0A, 0x01, 0x02]));
        Assert.Equal(1, ex.Offset);
        Assert.Throws<ProtobufException>(() => NoteDocument.DecodeProtobuf([0x08, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01]));
        Assert.Throws<ProtobufException>(() => NoteDocument.DecodeProtobuf([0x0B]));
        Assert.Throws<ProtobufException>(() => NoteDocument.Decode([0x1F, 0x8B, 0x00, 0x01]));
    }
}
