using Keepsake.Export.Messages.TypedStream;
using Keepsake.TestKit;
using Microsoft.Data.Sqlite;

namespace Keepsake.Export.Tests.Messages.TypedStream;

public sealed class AttributedBodyDecoderTests
{
    private const string Blobs = "imessage-exporter-blobs/typedstream";

    private static AttributedBody Decode(string name) =>
        AttributedBodyDecoder.Decode(File.ReadAllBytes(Fixtures.Path("imessage-exporter-blobs", "typedstream", name)));

    public static TheoryData<string> AllBlobNames()
    {
        var data = new TheoryData<string>();
        if (Fixtures.Exists(Blobs))
        {
            foreach (var file in Directory.GetFiles(Fixtures.Path("imessage-exporter-blobs", "typedstream")).Order(StringComparer.Ordinal))
            {
                data.Add(Path.GetFileName(file));
            }
        }

        return data;
    }

    [FixtureTheory(Blobs)]
    [MemberData(nameof(AllBlobNames))]
    public void Decode_EveryFixtureBlob_DecodesOrReportsCorruption(string name)
    {
        var bytes = File.ReadAllBytes(Fixtures.Path("imessage-exporter-blobs", "typedstream", name));
        if (name == "ExtraData")
        {
            // Upstream marks this blob corrupt: its NSString claims 157 bytes where 17 follow.
            var ex = Assert.Throws<TypedStreamException>(() => AttributedBodyDecoder.Decode(bytes));
            Assert.Equal(121, ex.Offset);
            Assert.Contains("157", ex.Message, StringComparison.Ordinal);
            return;
        }

        var body = AttributedBodyDecoder.Decode(bytes);
        Assert.Empty(body.Diagnostics);
        if (body.Runs.Count > 0)
        {
            Assert.Equal(body.Text.Length, body.Runs[^1].Start + body.Runs[^1].Length);
        }

        // Every blob is consumed exactly: the generic reader has no bytes left over.
        Assert.NotEmpty(TypedStreamReader.ReadAll(bytes));
    }

    [FixtureFact(Blobs)]
    public void Decode_TextOnly_GivesTextAndOnePartRun()
    {
        var body = Decode("AttributedBodyTextOnly");
        Assert.Equal("Noter test", body.Text);
        var run = Assert.Single(body.Runs);
        Assert.Equal(0, run.MessagePart);
        Assert.Equal(10, run.Length);
        Assert.Equal("Test 3", Decode("AttributedBodyTextOnly2").Text);
        Assert.Equal(string.Empty, Decode("Blank").Text);
    }

    [FixtureFact(Blobs)]
    public void Decode_Mention_HasMentionRun()
    {
        var body = Decode("Mention");
        Assert.Equal("Test Dad ", body.Text);
        var mention = Assert.Single(body.Runs, r => r.Mention is not null);
        Assert.Equal("+15558675309", mention.Mention);
        Assert.Equal("Dad", mention.Text);
    }

    [FixtureFact(Blobs)]
    public void Decode_Links_HaveLinkRuns()
    {
        var single = Decode("SingleLink");
        Assert.Equal("https://www.ghacks.net/2020/01/23/lastpass-no-longer-listed-on-the-chrome-web-store/", single.Runs.Single().Link);
        var url = Decode("URL");
        Assert.Equal("https://github.com/ReagentX/Logria", url.Text);
        Assert.Contains(url.Runs, r => r.Link == "https://github.com/ReagentX/Logria");
        var phone = Decode("PhoneNumber");
        Assert.Equal("What about 0000000000", phone.Text);
        Assert.Equal("tel:0000000000", phone.Runs.Single(r => r.Link is not null).Link);
        Assert.Equal("mailto:asdfghjklq@gmail.com", Decode("Email").Runs[0].Link);
    }

    [FixtureFact(Blobs)]
    public void Decode_Attachment_HasGuidFilenameAndSize()
    {
        var body = Decode("Attachment");
        Assert.Equal("\uFFFCThis is how the notes look to me fyi, in case it helps make sense of anything", body.Text);
        var run = body.Runs[0];
        Assert.Equal("at_0_2E5F12C3-E649-48AA-954D-3EA67C016BCC", run.AttachmentGuid);
        Assert.Equal("Messages Image(785748029).png", run.Filename);
        Assert.Equal(952.0, Convert.ToDouble(run.Attributes[IMAttributeKeys.InlineMediaWidth], System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(1, body.Runs[1].MessagePart);
        Assert.Equal("This is how the notes look to me fyi, in case it helps make sense of anything", body.PlainText);
    }

    [FixtureFact(Blobs)]
    public void Decode_MultiAttachment_NineteenPartsInOrder()
    {
        var body = Decode("MultiAttachment");
        Assert.Equal(19, body.Runs.Count);
        for (var i = 0; i < 19; i++)
        {
            Assert.Equal(i, body.Runs[i].MessagePart);
            Assert.Equal($"at_{i}_48B9C973-3466-438C-BE72-E5B498D30772", body.Runs[i].AttachmentGuid);
        }
    }

    [FixtureFact(Blobs)]
    public void Decode_TextStyles_BoldUnderlineItalicStrikethrough()
    {
        var body = Decode("TextStyles");
        Assert.Equal("Bold underline italic strikethrough all four", body.Text);
        Assert.True(body.Runs.Single(r => r.Text == "Bold").IsBold);
        Assert.True(body.Runs.Single(r => r.Text == "underline").IsUnderline);
        Assert.True(body.Runs.Single(r => r.Text == "italic").IsItalic);
        Assert.True(body.Runs.Single(r => r.Text == "strikethrough").IsStrikethrough);
        Assert.False(body.Runs.Single(r => r.Text == "strikethrough").IsBold);
        Assert.True(Decode("EditedWithFormatting").Runs.Single().IsStrikethrough);
    }

    [FixtureFact(Blobs)]
    public void Decode_TextEffects_EffectIdsPerWord()
    {
        var body = Decode("TextEffects");
        Assert.Equal("Big small shake nod explode ripple bloom jitter", body.Text);
        Assert.Equal(5L, body.Runs.Single(r => r.Text == "Big").TextEffect);
        Assert.Equal(10L, body.Runs.Single(r => r.Text == "jitter").TextEffect);
    }

    [FixtureFact(Blobs)]
    public void Decode_EmojiBoldUnderline_RunsCountUtf16Units()
    {
        var body = Decode("EmojiBoldUnderline");
        Assert.Equal("Bold", body.Runs.Single(r => r.IsBold).Text);
        Assert.Equal("Underline", body.Runs.Single(r => r.IsUnderline).Text);
    }

    [FixtureFact(Blobs)]
    public void Decode_TranscriptionAndCode_ExposeAttributes()
    {
        var t = Decode("Transcription");
        Assert.Equal("This is a test", t.Runs.Single(r => r.AudioTranscription is not null).AudioTranscription);
        Assert.Equal("4C339597-EBBB-4978-9B87-521C0471A848", t.Runs.Single(r => r.AttachmentGuid is not null).AttachmentGuid);
        var code = Decode("Code");
        Assert.Equal("000123 is your security code. Don't share your code.", code.Text);
        var detected = Assert.IsType<byte[]>(code.Runs[0].Attributes[IMAttributeKeys.DataDetected]);
        Assert.Equal("bplist00"u8.ToArray(), detected[..8]);
    }

    [FixtureFact(Blobs)]
    public void Decode_LongMessage_UsesTwoByteLength()
    {
        var body = Decode("LongMessage");
        Assert.Equal(2359, body.Text.Length);
        Assert.StartsWith("Sed nibh velit", body.Text, StringComparison.Ordinal);
    }

    [FixtureTheory("langchain-imessage-chatdb")]
    [InlineData("imessage_chat.db")]
    [InlineData("imessage_chat_upgrade_osx_11.db")]
    public void Decode_LangchainChatDb_EveryBodyDecodesAndMatchesText(string database)
    {
        // Four rows of this trimmed fixture carry a body that does not match their text column
        // (e.g. text "Alio was here", body "Oke"): the fixture's rows were edited by hand upstream.
        // They are listed here so that any other mismatch fails.
        var knownMismatches = new HashSet<long> { 251965, 251966, 252038, 252039 };
        var mismatches = new HashSet<long>();
        DecodeAll(database, mismatches);
        Assert.Equal(knownMismatches, mismatches);
    }

    private static void DecodeAll(string database, HashSet<long> mismatches)
    {
        var path = Fixtures.Path("langchain-imessage-chatdb", database);
        using var connection = new SqliteConnection($"Data Source=file:{path}?mode=ro&immutable=1");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT text, attributedBody, ROWID FROM message WHERE attributedBody IS NOT NULL";
        using var reader = command.ExecuteReader();
        int decoded = 0, compared = 0;
        while (reader.Read())
        {
            var body = AttributedBodyDecoder.Decode((byte[])reader[1]);
            decoded++;
            if (!reader.IsDBNull(0))
            {
                if (reader.GetString(0) != body.Text)
                {
                    mismatches.Add(reader.GetInt64(2));
                }

                compared++;
            }
            else
            {
                Assert.NotEqual(string.Empty, body.Text);
            }
        }

        Assert.Equal(23, decoded);
        Assert.Equal(12, compared);
    }

    [Fact]
    public void Decode_BadHeader_ThrowsWithOffset()
    {
        var ex = Assert.Throws<TypedStreamException>(() => AttributedBodyDecoder.Decode([0x04, 0x0B, .. "typedstream"u8, 0x81, 0xE8, 0x03]));
        Assert.Equal(2, ex.Offset);
        Assert.Throws<TypedStreamException>(() => AttributedBodyDecoder.Decode([0x03]));
        Assert.Throws<TypedStreamException>(() => AttributedBodyDecoder.Decode([]));
    }

    [Fact]
    public void Decode_TruncatedEverywhere_NeverThrowsAnythingElse()
    {
        var full = TestBlobs.TextOnly("Noter test");
        Assert.Equal("Noter test", AttributedBodyDecoder.Decode(full).Text);
        for (var cut = 0; cut < full.Length; cut++)
        {
            Assert.Throws<TypedStreamException>(() => AttributedBodyDecoder.Decode(full.AsSpan(0, cut)));
        }
    }

    [Fact]
    public void Decode_EveryByteFlipped_ThrowsOnlyTypedErrors()
    {
        var full = TestBlobs.TextOnly("Noter test");
        for (var i = 0; i < full.Length; i++)
        {
            foreach (var value in new byte[] { 0x00, 0x84, 0x85, 0x86, 0x92, 0xFF, 0x81 })
            {
                var copy = (byte[])full.Clone();
                copy[i] = value;
                try
                {
                    AttributedBodyDecoder.Decode(copy);
                }
                catch (TypedStreamException)
                {
                }
            }
        }
    }

    [Fact]
    public void ReadAll_SelfReferencingNesting_StopsAtDepthLimit()
    {
        // An object whose first group is another new object, nested far beyond the limit.
        var bytes = new List<byte> { 0x04, 0x0B };
        bytes.AddRange("streamtyped"u8.ToArray());
        bytes.AddRange(new byte[] { 0x81, 0xE8, 0x03, 0x84, 0x01, (byte)'@' });
        bytes.AddRange(new byte[] { 0x84, 0x84, 0x84, 0x01, (byte)'X', 0x00, 0x85 });
        for (var i = 0; i < 1000; i++)
        {
            bytes.AddRange(new byte[] { 0x92, 0x84, 0x93 }); // group "@", NEW object of class ref 1 (X)
        }

        var ex = Assert.Throws<TypedStreamException>(() => TypedStreamReader.ReadAll(bytes.ToArray()));
        Assert.Contains("nesting", ex.Message, StringComparison.Ordinal);
    }
}
