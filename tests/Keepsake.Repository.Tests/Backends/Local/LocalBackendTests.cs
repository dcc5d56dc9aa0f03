using Keepsake.Repository.Backends;
using Keepsake.Repository.Backends.Local;
using Keepsake.TestKit;

namespace Keepsake.Repository.Tests.Backends.Local;

public sealed class LocalBackendTests : BackendConformanceTests
{
    private readonly TempDirectory _dir = new();

    protected override IBackend CreateBackend() => new LocalBackend(_dir.Combine("repo"));

    public override void Dispose()
    {
        _dir.Dispose();
        base.Dispose();
    }

    [Fact]
    public async Task SaveAsync_Pack_UsesResticLayoutReadOnlyAndNoTempLeft()
    {
        var (name, data) = NewFile();
        await Backend.SaveAsync(FileType.Pack, name, data);
        var path = _dir.Combine("repo", "data", name[..2], name);
        Assert.True(File.Exists(path));
        Assert.Single(Directory.GetFiles(Path.GetDirectoryName(path)!));
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead, File.GetUnixFileMode(path));
        }
    }

    [Fact]
    public async Task ListAsync_LeftoverTempFile_IsNotListed()
    {
        var (name, data) = NewFile();
        await Backend.SaveAsync(FileType.Snapshot, name, data);
        File.WriteAllBytes(_dir.Combine("repo", "snapshots", name + "-tmp-0123456789ab"), [1, 2, 3]);
        var listed = new List<string>();
        await foreach (var f in Backend.ListAsync(FileType.Snapshot))
        {
            listed.Add(f.Name);
        }

        Assert.Equal([name], listed);
    }
}
