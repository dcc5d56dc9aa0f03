using System.Globalization;
using System.Text;
using Keepsake.Export.Contacts;
using Keepsake.Export.Databases;
using Keepsake.Export.Tests.Support;
using Keepsake.TestKit;

namespace Keepsake.Export.Tests.Contacts;

public sealed class ContactsExporterTests
{
    private const string Fixture = "ileapp-public-images/addressbook-hickman-ios15.3.1";

    /// <summary>
    /// The wire rules ical.js does not check: CRLF line ends only, no physical line longer than 75 octets
    /// (RFC 6350 §3.2), the file ends with CRLF. Returns the unfolded logical lines.
    /// </summary>
    internal static List<string> CheckLines(byte[] bytes)
    {
        var text = Encoding.UTF8.GetString(bytes);
        Assert.DoesNotContain("\n", text.Replace("\r\n", string.Empty, StringComparison.Ordinal), StringComparison.Ordinal);
        var physical = text.Split("\r\n");
        Assert.Equal(string.Empty, physical[^1]);
        var logical = new List<string>();
        foreach (var line in physical[..^1])
        {
            Assert.True(Encoding.UTF8.GetByteCount(line) <= 75, $"line longer than 75 octets: {line}");
            if (line.StartsWith(' ') || line.StartsWith('\t'))
            {
                logical[^1] += line[1..];
            }
            else
            {
                logical.Add(line);
            }
        }

        return logical;
    }

    /// <summary>Reads the cards with ical.js after the wire checks; every card is a 4.0 card with one FN.</summary>
    internal static List<JCardComponent> ReadVCards(string path)
    {
        CheckLines(File.ReadAllBytes(path));
        var cards = IcalJs.Parse(path);
        Assert.All(cards, c =>
        {
            Assert.Equal("vcard", c.Name);
            Assert.Equal("4.0", c.One("version").Text);
            c.One("fn");
        });
        return cards;
    }

    /// <summary>
    /// A label no vCard TYPE expresses (the fixture's "TextNow" phone number) is kept: the property and an
    /// X-ABLabel share a group, as Apple's own vCards write them (RFC 6350 §3.3; jCard's "group" parameter).
    /// </summary>
    [IcalJsFact(Fixture)]
    public async Task ExportAsync_CustomLabel_KeptAsGroupedXAbLabelAsIcalJsReadsIt()
    {
        using var temp = new TempDirectory();
        var bookPath = Fixtures.CopySqlite(Fixture + "/AddressBook.sqlitedb", temp);
        var custom = ExternalTool.Run("sqlite3", [bookPath, "SELECT p.First || ' ' || p.Last, v.value, l.value FROM ABMultiValue v JOIN ABMultiValueLabel l ON l.ROWID = v.label JOIN ABPerson p ON p.ROWID = v.record_id WHERE v.property = 3 AND substr(l.value, 1, 4) <> '_$!<'"])
            .EnsureSuccess("sqlite3").StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split('|')).ToList();
        Assert.NotEmpty(custom);

        using var book = DatabaseFile.OpenPath(bookPath);
        var result = await new ContactsExporter(book).ExportAsync(temp.Combine("out"));
        var cards = ReadVCards(result.File);
        foreach (var row in custom)
        {
            var card = cards.Single(c => c.One("fn").Text == row[0]);
            var tel = card.All("tel").Single(t => t.Text == row[1]);
            Assert.True(tel.Parameters.TryGetValue("group", out var group), "the custom-labelled TEL has no group");
            Assert.Equal(row[2], card.All("x-ablabel").Single(p => p.Parameters.GetValueOrDefault("group") == group).Text);
        }

        // Labels that have a TYPE are not grouped: every X-ABLabel belongs to exactly one property.
        Assert.All(cards, c => Assert.Equal(c.All("x-ablabel").Count(), c.Properties.Count(p => p.Name != "x-ablabel" && p.Parameters.ContainsKey("group"))));
    }

    [IcalJsFact(Fixture)]
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

        var cards = ReadVCards(result.File);
        Assert.Equal(expected, cards.Count);
        var josh = cards.Single(c => c.One("fn").Text == "Josh Hickman");
        Assert.Equal(["Hickman", "Josh", "", "", ""], josh.One("n").Parts);
        var tel = josh.All("tel").Single(t => t.Text == "(919) 579-0479");
        Assert.Equal("cell", tel.Parameters["type"]);
        Assert.Contains(josh.All("email"), e => e.Text == "joshuahickman957@gmail.com");
        var apple = cards.Single(c => c.One("fn").Text == "Apple Inc.");
        Assert.Equal(["", "", "One Apple Park Way", "Cupertino", "CA", "95014", "United States"], apple.One("adr").Parts);
        Assert.Equal("uri", apple.One("url").Type);
        Assert.Equal("http://www.apple.com", apple.One("url").Text);
        Assert.Empty(apple.All("photo"));
        var person4 = cards.Single(c => c.One("fn").Text == "This DFIR");
        var photo = person4.One("photo");
        Assert.Equal("uri", photo.Type);
        Assert.StartsWith("data:image/jpeg;base64,", photo.Text, StringComparison.Ordinal);
        Assert.Equal(photoLength, Convert.FromBase64String(photo.Text["data:image/jpeg;base64,".Length..]).Length);

        // Every card as sqlite3 sees it: one per ABPerson row, with its GUID as UID.
        var guids = ExternalTool.Run("sqlite3", [bookPath, "SELECT guid FROM ABPerson WHERE guid IS NOT NULL ORDER BY guid"]).EnsureSuccess("sqlite3").StandardOutput
            .Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Equal(guids, cards.SelectMany(c => c.All("uid")).Select(u => u.Text).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Escape_SpecialCharacters_AreEscapedPerRfc6350()
    {
        Assert.Equal("a\\,b;c\\\\d\\ne", VCardWriter.Escape("a,b;c\\d\r\ne"));
        Assert.Equal("http://a.example/x,y;z", VCardWriter.UriValue(" http://a.example/x,y;z\r\n"));
        Assert.Equal("Last\\;x;First;;;", VCardWriter.Structured("Last;x", "First", null, null, null));
    }

    [IcalJsFact]
    public void WriteLine_LongMultibyteValue_FoldsAt75OctetsWithoutSplittingCharacters()
    {
        using var temp = new TempDirectory();
        var output = new StringWriter { NewLine = "\r\n" };
        var writer = new VCardWriter(output);
        var value = string.Concat(Enumerable.Repeat("é漢😀,;\\", 40));
        writer.WriteLine("BEGIN", "VCARD");
        writer.WriteLine("VERSION", "4.0");
        writer.WriteLine("FN", VCardWriter.Escape(value));
        writer.WriteLine("N", VCardWriter.Structured("Last;x", "First", null, null, null));
        writer.WriteLine("END", "VCARD");
        writer.Flush();
        File.WriteAllText(temp.Combine("card.vcf"), output.ToString(), new UTF8Encoding(false));
        var card = ReadVCards(temp.Combine("card.vcf")).Single();
        Assert.Equal(value, card.One("fn").Text);
        Assert.Equal(["Last;x", "First", "", "", ""], card.One("n").Parts);
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
