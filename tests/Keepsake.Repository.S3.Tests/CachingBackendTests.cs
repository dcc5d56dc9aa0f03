using System.Security.Cryptography;
using Keepsake.Repository.Backends;
using Keepsake.TestKit;

namespace Keepsake.Repository.S3.Tests;

public sealed class CachingBackendTests
{
    [S3Fact]
    public async Task LoadAsync_SecondTime_ReadsTheOwnerOnlyCacheWithoutARequest()
    {
        using var cache = new TempDirectory();
        using var s3 = await S3TestBackends.CreateAsync();
        var backend = new CachingBackend(s3, cache.Combine("vault"));
        var data = RandomNumberGenerator.GetBytes(3000);
        var name = Convert.ToHexStringLower(SHA256.HashData(data));
        await s3.SaveAsync(FileType.Snapshot, name, data);

        Assert.Equal(data, await backend.LoadAsync(FileType.Snapshot, name));
        var requests = s3.Usage.Requests;
        Assert.Equal(data, await backend.LoadAsync(FileType.Snapshot, name));
        Assert.Equal(data[10..20], await backend.LoadAsync(FileType.Snapshot, name, 10, 10));
        Assert.Equal(requests, s3.Usage.Requests);

        var file = cache.Combine("vault", "snapshots", name);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(cache.Combine("vault")));
        }
    }

    [S3Fact]
    public async Task LoadAsync_DamagedCacheFile_FetchedAgain()
    {
        using var cache = new TempDirectory();
        using var s3 = await S3TestBackends.CreateAsync();
        var backend = new CachingBackend(s3, cache.Path);
        var data = RandomNumberGenerator.GetBytes(500);
        var name = Convert.ToHexStringLower(SHA256.HashData(data));
        await backend.SaveAsync(FileType.Index, name, data);
        File.WriteAllBytes(cache.Combine("index", name), [1, 2, 3]);
        Assert.Equal(data, await backend.LoadAsync(FileType.Index, name));
        Assert.Equal(data, File.ReadAllBytes(cache.Combine("index", name)));
    }

    [S3Fact]
    public async Task ListAsync_FileRemovedElsewhere_DroppedFromCache()
    {
        using var cache = new TempDirectory();
        using var s3 = await S3TestBackends.CreateAsync();
        var backend = new CachingBackend(s3, cache.Path);
        var data = RandomNumberGenerator.GetBytes(500);
        var name = Convert.ToHexStringLower(SHA256.HashData(data));
        await backend.SaveAsync(FileType.Snapshot, name, data);
        await s3.RemoveAsync(FileType.Snapshot, name);
        await foreach (var unused in backend.ListAsync(FileType.Snapshot))
        {
        }

        Assert.False(File.Exists(cache.Combine("snapshots", name)));
        await Assert.ThrowsAsync<BackendNotFoundException>(() => backend.LoadAsync(FileType.Snapshot, name));
    }
}
