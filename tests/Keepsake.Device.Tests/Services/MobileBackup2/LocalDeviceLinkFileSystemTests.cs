using Keepsake.Device.Services.MobileBackup2;
using Keepsake.Primitives;
using Keepsake.TestKit;

namespace Keepsake.Device.Tests.Services.MobileBackup2;

public sealed class LocalDeviceLinkFileSystemTests
{
    [Theory]
    [InlineData("../escape")]
    [InlineData("/etc/passwd")]
    [InlineData("a/../../b")]
    public void CreateFile_EscapingPath_ThrowsPathEscapeException(string path)
    {
        using var temp = new TempDirectory("keepsake-dlfs");
        var fs = new LocalDeviceLinkFileSystem(temp.Path);
        Assert.Throws<PathEscapeException>(() => fs.CreateFile(path));
    }

    [Fact]
    public void Move_ReplacesDestinationAndCreatesParent()
    {
        using var temp = new TempDirectory("keepsake-dlfs");
        var fs = new LocalDeviceLinkFileSystem(temp.Path);
        using (var s = fs.CreateFile("U/Snapshot/ab/x"))
        {
            s.WriteByte(1);
        }

        using (var s = fs.CreateFile("U/ab/x"))
        {
            s.WriteByte(2);
        }

        fs.Move("U/Snapshot/ab/x", "U/ab/x");
        fs.Move("U/Snapshot", "U/New/Deep/Snapshot");
        Assert.Equal(new byte[] { 1 }, File.ReadAllBytes(temp.Combine("U", "ab", "x")));
        Assert.True(Directory.Exists(temp.Combine("U", "New", "Deep", "Snapshot")));
    }

    [Fact]
    public void Remove_Missing_IsNotAnError()
    {
        using var temp = new TempDirectory("keepsake-dlfs");
        new LocalDeviceLinkFileSystem(temp.Path).Remove("nothing/here");
    }

    [Fact]
    public void List_Missing_IsEmpty_AndOpenReadMissing_IsNull()
    {
        using var temp = new TempDirectory("keepsake-dlfs");
        var fs = new LocalDeviceLinkFileSystem(temp.Path);
        Assert.Empty(fs.List("nope"));
        Assert.Null(fs.OpenRead("nope/Status.plist"));
        Assert.True(fs.GetFreeSpace() > 0);
    }
}
