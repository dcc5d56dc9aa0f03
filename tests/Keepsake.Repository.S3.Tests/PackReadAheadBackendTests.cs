using System.Security.Cryptography;
using Keepsake.Repository.Backends;
using Keepsake.TestKit;

namespace Keepsake.Repository.S3.Tests;

public sealed class PackReadAheadBackendTests
{
    [S3Fact]
    public async Task ReadAsync_ManyBlobsOfOnePack_OneGetOfThePack()
    {
        using var s3 = await S3TestBackends.CreateAsync();
        var backend = new PackReadAheadBackend(s3);
        var data = RandomNumberGenerator.GetBytes(2 * 1024 * 1024);
        var name = Convert.ToHexStringLower(SHA256.HashData(data));
        await s3.SaveAsync(FileType.Pack, name, data);
        var before = s3.Usage.Requests;
        var buffer = new byte[4096];
        for (var offset = 0; offset < data.Length; offset += 40_000)
        {
            var n = await backend.ReadAsync(FileType.Pack, name, offset, buffer);
            Assert.Equal(data.AsSpan(offset, n).ToArray(), buffer[..n]);
        }

        // One HEAD (is it small enough to hold?) and one GET, for 53 blob reads.
        Assert.Equal(2, s3.Usage.Requests - before);
        Assert.Equal(data.Length, s3.Usage.BytesDownloaded);
    }

    [S3Fact]
    public async Task ReadAsync_PackLargerThanTheLimit_ReadAsAsked()
    {
        using var s3 = await S3TestBackends.CreateAsync();
        var backend = new PackReadAheadBackend(s3, maxPackBytes: 1000);
        var data = RandomNumberGenerator.GetBytes(5000);
        var name = Convert.ToHexStringLower(SHA256.HashData(data));
        await s3.SaveAsync(FileType.Pack, name, data);
        Assert.Equal(data[100..200], await backend.LoadAsync(FileType.Pack, name, 100, 100));
        Assert.Equal(100, s3.Usage.BytesDownloaded);
    }
}
