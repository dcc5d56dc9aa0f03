namespace Keepsake.Plist.Tests;

public sealed class PlistReaderOptionsTests
{
    [Fact]
    public void Init_OutOfRange_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new PlistReaderOptions { MaxDepth = 0 });
        Assert.Throws<ArgumentOutOfRangeException>(() => new PlistReaderOptions { MaxDepth = 100_000 });
        Assert.Throws<ArgumentOutOfRangeException>(() => new PlistReaderOptions { MaxObjectCount = -1 });
        Assert.Throws<ArgumentOutOfRangeException>(() => new PlistReaderOptions { MaxInputBytes = 0 });
        Assert.Throws<ArgumentOutOfRangeException>(() => new KeyedArchiveOptions { MaxDepth = 0 });
        Assert.Throws<ArgumentOutOfRangeException>(() => new KeyedArchiveOptions { MaxObjects = 0 });
    }

    [Fact]
    public void Default_HasDocumentedLimits()
    {
        Assert.Equal(64L * 1024 * 1024, PlistReaderOptions.Default.MaxInputBytes);
        Assert.Equal(512, PlistReaderOptions.Default.MaxDepth);
    }
}
