using System.Text;
using Keepsake.Repository.Trees;

namespace Keepsake.Repository.Tests.Trees;

public sealed class TreeJsonTests
{
    private static readonly ObjectId TreeId = ObjectId.Hash("tree"u8);

    [Fact]
    public void Serialize_FileNode_WritesResticFieldOrderAndOmissions()
    {
        var node = new Node
        {
            Name = "a\"b\\c<d>",
            Type = NodeType.File,
            Mode = 0x1A4,
            ModTime = new DateTimeOffset(2024, 5, 1, 12, 30, 15, TimeSpan.FromHours(2)).AddTicks(1_234_500),
            AccessTime = new DateTimeOffset(2024, 5, 1, 12, 30, 15, TimeSpan.Zero),
            ChangeTime = new DateTimeOffset(2024, 5, 1, 12, 30, 15, TimeSpan.Zero),
            Uid = 0,
            Gid = 20,
            User = "root",
            Inode = 42,
            Size = 3,
            Links = 1,
            Content = [ObjectId.Hash("abc"u8)],
        };
        var json = Encoding.UTF8.GetString(TreeJson.Serialize(new Tree([node])));
        Assert.Equal(
            "{\"nodes\":[{\"name\":\"a\\\\\\\"b\\\\\\\\c\\u003cd\\u003e\",\"type\":\"file\",\"mode\":420,"
            + "\"mtime\":\"2024-05-01T12:30:15.12345+02:00\",\"atime\":\"2024-05-01T12:30:15Z\",\"ctime\":\"2024-05-01T12:30:15Z\","
            + "\"uid\":0,\"gid\":20,\"user\":\"root\",\"inode\":42,\"size\":3,\"links\":1,"
            + "\"content\":[\"" + ObjectId.Hash("abc"u8) + "\"]}]}\n",
            json);
        var back = TreeJson.Parse(Encoding.UTF8.GetBytes(json), TreeId).Nodes.Single();
        Assert.Equal(node.Name, back.Name);
        Assert.Equal(node.ModTime, back.ModTime);
        Assert.Equal(node.Content, back.Content);
    }

    [Theory]
    [InlineData("tab\there", "tab\\\\there")]
    [InlineData("nbsp\u00a0x", "nbsp\\\\u00a0x")]
    [InlineData("bell\a", "bell\\\\a")]
    [InlineData("日本語.txt", "日本語.txt")]
    public void Serialize_NameNeedingGoQuote_RoundTrips(string name, string expectedJsonName)
    {
        var json = Encoding.UTF8.GetString(TreeJson.Serialize(new Tree([new Node { Name = name, Type = NodeType.Fifo }])));
        Assert.Contains($"\"name\":\"{expectedJsonName}\"", json, StringComparison.Ordinal);
        Assert.Equal(name, TreeJson.Parse(Encoding.UTF8.GetBytes(json), TreeId).Nodes.Single().Name);
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("{\"nodes\":[{\"name\":\"x\",\"type\":\"weird\"}]}")]
    [InlineData("{\"nodes\":[{\"name\":\"x\",\"type\":\"dir\"}]}")]
    [InlineData("{\"nodes\":[{\"name\":\"x\",\"type\":\"file\",\"content\":[\"zz\"]}]}")]
    [InlineData("{\"other\":1}")]
    [InlineData("{\"nodes\":[{\"type\":\"file\"}]}")] // no name (found by the fuzzer)
    [InlineData("{\"nodes\":[{\"name\":\"x\"}]}")] // no type (found by the fuzzer)
    public void Parse_Invalid_ThrowsNamingTree(string json)
    {
        var e = Assert.Throws<RepositoryCorruptedException>(() => TreeJson.Parse(Encoding.UTF8.GetBytes(json), TreeId));
        Assert.Equal(TreeId.ToString(), e.ObjectId);
        Assert.Equal("tree blob", e.ObjectType);
    }
}
