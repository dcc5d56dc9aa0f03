using Keepsake.Device.Transport;
using Keepsake.Primitives;
using Keepsake.TestKit;

namespace Keepsake.Device.Tests.Transport;

public sealed class PairRecordStoreTests
{
    [Fact]
    public async Task SaveAsync_ThenReadAsync_SameBytesOwnerOnly()
    {
        using var dir = new TempDirectory();
        var store = new PairRecordStore(dir.Combine("records"));

        Assert.False(store.Has("00008030-0011223344556677"));
        Assert.Null(await store.ReadAsync("00008030-0011223344556677"));
        await store.SaveAsync("00008030-0011223344556677", new byte[] { 1, 2, 3 });

        Assert.True(store.Has("00008030-0011223344556677"));
        Assert.Equal(new byte[] { 1, 2, 3 }, await store.ReadAsync("00008030-0011223344556677"));
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(store.Folder));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(store.Folder, "00008030-0011223344556677.plist")));
        }

        Assert.Equal(["00008030-0011223344556677.plist"], Directory.GetFiles(store.Folder).Select(Path.GetFileName));
    }

    [Fact]
    public async Task SaveAsync_UdidEscapingTheFolder_ThrowsAndWritesNothing()
    {
        using var dir = new TempDirectory();
        var store = new PairRecordStore(dir.Combine("records"));

        await Assert.ThrowsAsync<PathEscapeException>(() => store.SaveAsync("../outside", new byte[] { 1 }));

        Assert.False(File.Exists(dir.Combine("outside.plist")));
    }
}
