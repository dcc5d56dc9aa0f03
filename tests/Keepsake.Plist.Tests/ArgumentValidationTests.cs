namespace Keepsake.Plist.Tests;

public sealed class ArgumentValidationTests
{
    [Fact]
    public void Options_OutOfRange_Throw()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new PlistReaderOptions { MaxDepth = 0 });
        Assert.Throws<ArgumentOutOfRangeException>(() => new PlistReaderOptions { MaxDepth = 100_000 });
        Assert.Throws<ArgumentOutOfRangeException>(() => new PlistReaderOptions { MaxObjectCount = -1 });
        Assert.Throws<ArgumentOutOfRangeException>(() => new PlistReaderOptions { MaxInputBytes = 0 });
        Assert.Throws<ArgumentOutOfRangeException>(() => new KeyedArchiveOptions { MaxDepth = 0 });
        Assert.Throws<ArgumentOutOfRangeException>(() => new KeyedArchiveOptions { MaxObjects = 0 });
    }

    [Fact]
    public void ArchivedObject_Arguments_Validated()
    {
        Assert.Throws<ArgumentNullException>(() => new ArchivedObject(null!));
        Assert.Throws<ArgumentException>(() => new ArchivedObject(string.Empty));
        var obj = new ArchivedObject("Thing");
        Assert.Equal(["Thing", "NSObject"], obj.Classes);
        Assert.Null(obj["missing"]);
        Assert.Null(obj.GetInt64("missing"));
        obj.Fields["n"] = 5;
        Assert.Equal(5, obj.GetInt64("n"));
    }

    [Fact]
    public void KeyedArchive_NullArguments_Throw()
    {
        Assert.Throws<ArgumentNullException>(() => KeyedArchive.Decode((PlistNode)null!));
        Assert.Throws<ArgumentNullException>(() => KeyedArchive.Decode(new PlistDictionary(), null!));
        Assert.Throws<ArgumentException>(() => KeyedArchive.Encode(new ArchivedObject("X") { Fields = { ["$class"] = 1L } }));
    }

    [Fact]
    public void Writer_NegativeZero_KeepsSign()
    {
        var node = new PlistArray([0.0, -0.0]);
        var back = PlistReader.Read(PlistWriter.ToBinary(node)).AsArray();
        Assert.True(double.IsNegative(((PlistReal)back[1]).Value));
        Assert.False(double.IsNegative(((PlistReal)back[0]).Value));
    }
}
