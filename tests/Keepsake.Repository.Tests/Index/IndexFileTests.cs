using System.Text;
using Keepsake.Repository.Index;

namespace Keepsake.Repository.Tests.Index;

/// <summary>The index reader on hostile JSON (the inputs the "index" fuzz target starts from and their shapes).</summary>
public sealed class IndexFileTests
{
    private static readonly string Zero = new('0', 64);
    private static readonly string One = new('1', 64);

    [Fact]
    public void Parse_ValidIndex_ReadsPacksBlobsAndSupersedes()
    {
        var index = IndexFile.Parse("i", Encoding.UTF8.GetBytes($$"""{"supersedes":["{{One}}"],"packs":[{"id":"{{One}}","blobs":[{"id":"{{Zero}}","type":"data","offset":0,"length":64,"uncompressed_length":100},{"id":"{{One}}","type":"tree","offset":64,"length":80}]}]}"""));

        var blobs = Assert.Single(index.Packs).Value;
        Assert.Equal([BlobType.Data, BlobType.Tree], blobs.Select(b => b.Type));
        Assert.Equal(64, blobs[1].Offset);
        Assert.Equal(ObjectId.Parse(One), Assert.Single(index.Supersedes));
    }

    [Theory]
    [InlineData("""{"packs":[null]}""", "'packs' entry is null")]
    [InlineData("""{"packs":[{"id":"PACK","blobs":[null]}]}""", "blob entry of pack")]
    [InlineData("""{"packs":[{"id":"PACK","blobs":[{"id":"PACK","type":"data","offset":-1,"length":64}]}]}""", "invalid blob entry")]
    [InlineData("""{"packs":[{"id":"PACK","blobs":[{"id":"PACK","type":"data","offset":0,"length":99999999999999999999}]}]}""", "not valid index JSON")]
    [InlineData("""{"packs":[{"id":"zz"}]}""", "is not a hex ID")]
    [InlineData("""[]""", "not valid index JSON")]
    [InlineData("""{}""", "no 'packs' list")]
    [InlineData("""{"packs":[],"supersedes":[null]}""", "superseded ID")]
    public void Parse_HostileJson_IsRepositoryCorruptedNamingTheIndex(string json, string expected)
    {
        var error = Assert.Throws<RepositoryCorruptedException>(() => IndexFile.Parse("abcd", Encoding.UTF8.GetBytes(json.Replace("PACK", One, StringComparison.Ordinal))));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.Contains("abcd", error.Message, StringComparison.Ordinal);
    }
}
