namespace Keepsake.Plist.Tests;

public sealed class ArchivedObjectTests
{
    [Fact]
    public void Constructor_Arguments_Validated()
    {
        Assert.Throws<ArgumentNullException>(() => new ArchivedObject(null!));
        Assert.Throws<ArgumentException>(() => new ArchivedObject(string.Empty));
    }

    [Fact]
    public void Getters_MissingOrMistyped_ReturnNull()
    {
        var obj = new ArchivedObject("Thing");
        Assert.Equal(["Thing", "NSObject"], obj.Classes);
        Assert.Null(obj["missing"]);
        Assert.Null(obj.GetInt64("missing"));
        obj.Fields["n"] = 5;
        obj.Fields["s"] = "text";
        Assert.Equal(5, obj.GetInt64("n"));
        Assert.Null(obj.GetBytes("s"));
        Assert.Equal("text", obj.GetString("s"));
    }
}
