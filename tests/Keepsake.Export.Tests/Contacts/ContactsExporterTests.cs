using System.Globalization;
using System.Text;
using Keepsake.Export.Contacts;
using Keepsake.Export.Databases;
using Keepsake.TestKit;

namespace Keepsake.Export.Tests.Contacts;

public sealed class ContactsExporterTests
{
    private const string Fixture = "ileapp-public-images/addressbook-hickman-ios15.3.1";

    /// <summary>An independent RFC 6350 reader: checks line length and CRLF, unfolds, splits name/params/value.</summary>
    internal static List<List<(string Name, string Parameters, string Value)>> ParseVCards(byte[] bytes)
    {
        var text = Encoding.UTF8.GetString(bytes);
        Assert.DoesNotContain("\n", text.Replace("\r\n", string.Empty, StringComparison.Ordinal), StringComparison.Ordinal);
        var physical = text.Split("\r\n");
        Assert.Equal(string.Empty, physical[^1]);
        foreach (var line in physical)
        {
            Assert.True(Encoding.UTF8.GetByteCount(line) <= 75, $"line longer than 75 octets: {line}");
        }

        var logical = new List<string>();
        foreach (var line in physical[..^1])
        {
            if (line.StartsWith(' ') || line.StartsWith('\t'))
            {
                logical[^1] += line[1..];
            }
            else
            {
                logical.Add(line);
            }
        }

        var cards = new List<List<(string, string, string)>>();
        List<(string, string, string)>? card = null;
        foreach (var line in logical)
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            Assert.True(colon > 0, line);
            var head = line[..colon];
            var semi = head.IndexOf(';', StringComparison.Ordinal);
            var name = (semi < 0 ? head : head[..semi]).ToUpperInvariant();
            var parameters = semi < 0 ? string.Empty : head[(semi + 1)..];
            var value = line[(colon + 1)..];
            if (name == "BEGIN")
            {
                Assert.Null(card);
                Assert.Equal("VCARD", value);
                card = [];
            }
            else if (name == "END")
            {
                Assert.NotNull(card);
                cards.Add(card);
                card = null;
            }
            else
            {
                Assert.NotNull(card);
                card.Add((name, parameters, value));
            }
        }

        Assert.Null(card);
        foreach (var c in cards)
        {
            Assert.Equal("VERSION", c[0].Item1);
            Assert.Equal("4.0", c[0].Item3);
            Assert.Single(c, p => p.Item1 == "FN");
        }

        return cards;
    }

    internal static string Unescape(string value) =>
        value.Replace("\\n", "\n", StringComparison.Ordinal).Replace("\\,", ",", StringComparison.Ordinal).Replace("\\;", ";", StringComparison.Ordinal).Replace("\\\\", "\\", StringComparison.Ordinal);

    [FixtureFact(Fixture)]
    public async Task ExportAsync_HickmanAddressBook_OneCardPerPersonAsSqlite3Counts()
    {
        using var temp = new TempDirectory();
        var bookPath = Fixtures.CopySqlite(Fixture + "/AddressBook.sqlitedb", temp);
        var imagesPath = Fixtures.CopySqlite(Fixture + "/AddressBookImages.sqlitedb", temp);
        var expected = int.Parse(ExternalTool.Run("sqlite3", [bookPath, "SELECT COUNT(*) FROM ABPerson"]).EnsureSuccess("sqlite3").StandardOutput.Trim(), CultureInfo.InvariantCulture);
        var photoLength = int.Parse(ExternalTool.Run("sqlite3", [imagesPath, "SELECT length(data) FROM ABFullSizeImage WHERE record_id = 4"]).EnsureSuccess("sqlite3").StandardOutput.Trim(), CultureInfo.InvariantCulture);

        using var book = DatabaseFile.OpenPath(bookPath);
        using var images = DatabaseFile.OpenPath(imagesPath);
        var result = await new ContactsExporter(book, images).ExportAsync(temp.Combine("out"));
        Assert.Equal(expected, result.Contacts);
        Assert.Equal(2, result.WithPhoto);

        var cards = ParseVCards(File.ReadAllBytes(result.File));
        Assert.Equal(expected, cards.Count);
        var josh = cards.Single(c => c.Any(p => p.Name == "FN" && p.Value == "Josh Hickman"));
        Assert.Contains(josh, p => p.Name == "N" && p.Value == "Hickman;Josh;;;");
        Assert.Contains(josh, p => p.Name == "TEL" && p.Parameters.Contains("TYPE=cell", StringComparison.Ordinal) && p.Value == "(919) 579-0479");
        Assert.Contains(josh, p => p.Name == "EMAIL" && p.Value == "joshuahickman957@gmail.com");
        var apple = cards.Single(c => c.Any(p => p.Name == "FN" && p.Value == "Apple Inc."));
        Assert.Contains(apple, p => p.Name == "ADR" && Unescape(p.Value) == ";;One Apple Park Way;Cupertino;CA;95014;United States");
        Assert.Contains(apple, p => p.Name == "URL" && p.Value == "http://www.apple.com");
        Assert.DoesNotContain(apple, p => p.Name == "PHOTO");
        var person4 = cards.Single(c => c.Any(p => p.Name == "FN" && p.Value == "This DFIR"));
        var photo = person4.Single(p => p.Name == "PHOTO").Value;
        Assert.StartsWith("data:image/jpeg;base64,", photo, StringComparison.Ordinal);
        Assert.Equal(photoLength, Convert.FromBase64String(photo["data:image/jpeg;base64,".Length..]).Length);
    }

    [Fact]
    public void Escape_SpecialCharacters_AreEscapedPerRfc6350()
    {
        Assert.Equal("a\\,b\\;c\\\\d\\ne", VCardWriter.Escape("a,b;c\\d\r\ne"));
        Assert.Equal("Last\\;x;First;;;", VCardWriter.Structured("Last;x", "First", null, null, null));
    }

    [Fact]
    public void WriteLine_LongMultibyteValue_FoldsAt75OctetsWithoutSplittingCharacters()
    {
        var output = new StringWriter { NewLine = "\r\n" };
        var writer = new VCardWriter(output);
        var value = string.Concat(Enumerable.Repeat("é漢😀", 40));
        writer.WriteLine("BEGIN", "VCARD");
        writer.WriteLine("VERSION", "4.0");
        writer.WriteLine("FN", VCardWriter.Escape(value));
        writer.WriteLine("END", "VCARD");
        writer.Flush();
        var cards = ParseVCards(Encoding.UTF8.GetBytes(output.ToString()));
        Assert.Equal(value, cards.Single().Single(p => p.Name == "FN").Value);
    }

    [Theory]
    [InlineData("_$!<Mobile>!$_", 3, "cell")]
    [InlineData("_$!<Home>!$_", 4, "home")]
    [InlineData("_$!<WorkFAX>!$_", 3, "fax,work")]
    [InlineData("TextNow", 3, null)]
    public void TypeFor_Labels_MapToVCardTypes(string label, int property, string? expected)
    {
        Assert.Equal(expected, ContactsExporter.TypeFor(label, property));
    }
}
