using System.Diagnostics;
using System.Security.Cryptography;
using Amazon.S3;
using Amazon.S3.Model;
using Keepsake.Primitives;
using Keepsake.Repository.Backends;
using Keepsake.TestKit;

namespace Keepsake.Repository.S3.Tests;

/// <summary>What the S3 backend does beyond the shared contract, against the real radosgw.</summary>
public sealed class S3BackendTests
{
    [S3Fact]
    public async Task SaveAsync_AboveThreshold_MultipartUploadReadsBackAndRangesWork()
    {
        using var backend = await S3TestBackends.CreateAsync("p", new S3BackendOptions { MultipartThreshold = 6 * 1024 * 1024, PartSize = S3BackendOptions.MinimumPartSize });
        var data = RandomNumberGenerator.GetBytes(11 * 1024 * 1024 + 123);
        var name = Convert.ToHexStringLower(SHA256.HashData(data));
        await backend.SaveAsync(FileType.Pack, name, data);
        await backend.SaveAsync(FileType.Pack, name, data);
        Assert.Equal(data.Length, (await backend.StatAsync(FileType.Pack, name)).Size);
        Assert.Equal(data, await backend.LoadAsync(FileType.Pack, name));
        Assert.Equal(data[(6 * 1024 * 1024 - 10)..(6 * 1024 * 1024 + 10)], await backend.LoadAsync(FileType.Pack, name, 6 * 1024 * 1024 - 10, 20));
        // 1 check for stale uploads, 1 HEAD, initiate, 3 parts, complete; then 1 HEAD for the second save.
        Assert.True(backend.Usage.BytesUploaded == data.Length, $"uploaded {backend.Usage.BytesUploaded} bytes for one {data.Length}-byte file saved twice");
    }

    [S3Fact]
    public async Task AbortStaleUploadsAsync_LeftOverUpload_IsAborted()
    {
        using var backend = await S3TestBackends.CreateAsync("stale");
        using var client = RawClient();
        var bucket = S3Address.Parse(backend.Location).Bucket;
        var key = "stale/data/ab/" + new string('a', 2) + new string('0', 62);
        await client.InitiateMultipartUploadAsync(new InitiateMultipartUploadRequest { BucketName = bucket, Key = key });
        Assert.Equal(0, await backend.AbortStaleUploadsAsync(TimeSpan.FromHours(1)));
        Assert.Equal(1, await backend.AbortStaleUploadsAsync(TimeSpan.Zero));
        var left = await client.ListMultipartUploadsAsync(new ListMultipartUploadsRequest { BucketName = bucket });
        Assert.Empty(left.MultipartUploads ?? []);
    }

    [S3Fact]
    public async Task SaveAsync_ExistingName_IsCreateOnly_TheStoredFileStays()
    {
        using var backend = await S3TestBackends.CreateAsync();
        var name = new string('c', 64);
        await backend.SaveAsync(FileType.Snapshot, name, new byte[] { 1, 2, 3 });
        // Same name, other bytes: If-None-Match: * makes the server refuse (412), and the first file stays.
        await backend.SaveAsync(FileType.Snapshot, name, new byte[] { 9, 9, 9, 9 });
        Assert.Equal(new byte[] { 1, 2, 3 }, await backend.LoadAsync(FileType.Snapshot, name));
    }

    [S3Fact]
    public async Task ListAsync_MoreThanOnePage_ListsEveryFile()
    {
        using var backend = await S3TestBackends.CreateAsync(options: new S3BackendOptions { MaxConnections = 16 });
        var names = Enumerable.Range(0, 1050).Select(i => Convert.ToHexStringLower(SHA256.HashData(BitConverter.GetBytes(i)))).ToList();
        await Parallel.ForEachAsync(names, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (n, ct) => await backend.SaveAsync(FileType.Lock, n, new byte[] { 1 }, ct));
        var before = backend.Usage.Requests;
        var listed = new List<string>();
        await foreach (var f in backend.ListAsync(FileType.Lock))
        {
            listed.Add(f.Name);
        }

        Assert.Equal(names.Order(StringComparer.Ordinal), listed.Order(StringComparer.Ordinal));
        Assert.Equal(2, backend.Usage.Requests - before);
    }

    [S3Fact]
    public async Task SaveAsync_WithUploadLimit_TakesAtLeastSizeOverRate()
    {
        using var backend = await S3TestBackends.CreateAsync(options: new S3BackendOptions { UploadBytesPerSecond = 1024 * 1024 });
        var data = RandomNumberGenerator.GetBytes(3 * 1024 * 1024);
        var watch = Stopwatch.StartNew();
        await backend.SaveAsync(FileType.Pack, Convert.ToHexStringLower(SHA256.HashData(data)), data);
        // 3 MiB at 1 MiB/s, less the quarter-second burst.
        Assert.True(watch.Elapsed >= TimeSpan.FromSeconds(2.5), $"took {watch.Elapsed}");
    }

    [S3Fact]
    public async Task Requests_WrongSecret_AccessDeniedWithoutSecret()
    {
        var address = S3Address.Parse(S3TestServer.Address(S3TestServer.NewBucket()));
        using var backend = new S3Backend(address, S3TestBackends.Options() with { SecretAccessKey = Secret.FromString("wrong-secret-value-123") });
        var e = await Assert.ThrowsAsync<S3AccessDeniedException>(() => backend.LoadAsync(FileType.Config, "config"));
        Assert.False(e.IsTransient);
        Assert.Equal("SignatureDoesNotMatch", e.ErrorCode);
        Assert.DoesNotContain("wrong-secret", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(S3TestServer.AccessKey, e.ToString(), StringComparison.Ordinal);
    }

    [S3Fact]
    public async Task Requests_MissingBucket_BucketNotFound()
    {
        using var backend = new S3Backend(S3Address.Parse(S3TestServer.Address(S3TestServer.NewBucket())), S3TestBackends.Options());
        Assert.False(await backend.BucketExistsAsync());
        await Assert.ThrowsAsync<S3BucketNotFoundException>(() => backend.LoadAsync(FileType.Snapshot, new string('d', 64)));
        await Assert.ThrowsAsync<S3BucketNotFoundException>(async () =>
        {
            await foreach (var unused in backend.ListAsync(FileType.Snapshot))
            {
            }
        });
    }

    [S3Fact]
    public async Task RetryBackend_DroppedConnections_RetriedUntilTheyGetThrough()
    {
        string bucket;
        using (var direct = await S3TestBackends.CreateAsync())
        {
            bucket = S3Address.Parse(direct.Location).Bucket;
        }

        await using var proxy = new DroppingProxy(new Uri(S3TestServer.Endpoint)) { RefuseFirst = 3 };
        using var s3 = new S3Backend(S3Address.Parse($"s3:{proxy.Endpoint}/{bucket}"), S3TestBackends.Options());
        var backend = new RetryBackend(s3, maxAttempts: 6, baseDelay: TimeSpan.FromMilliseconds(50));
        var data = RandomNumberGenerator.GetBytes(1000);
        var name = Convert.ToHexStringLower(SHA256.HashData(data));
        await backend.SaveAsync(FileType.Index, name, data);
        Assert.Equal(data, await backend.LoadAsync(FileType.Index, name));
        Assert.Equal(3, proxy.Refused);
    }

    [S3Fact]
    public async Task RetryBackend_ServerGone_TransientErrorAfterBoundedAttempts()
    {
        var bucket = S3TestServer.NewBucket();
        await using var proxy = new DroppingProxy(new Uri(S3TestServer.Endpoint));
        proxy.DropAll();
        using var s3 = new S3Backend(S3Address.Parse($"s3:{proxy.Endpoint}/{bucket}"), S3TestBackends.Options());
        var backend = new RetryBackend(s3, maxAttempts: 4, baseDelay: TimeSpan.FromMilliseconds(20));
        var e = await Assert.ThrowsAsync<BackendException>(() => backend.StatAsync(FileType.Config, "config"));
        Assert.True(e.IsTransient);
        Assert.Contains("did not answer", e.Message, StringComparison.Ordinal);
        Assert.Equal(4, s3.Usage.Requests);
    }

    private static AmazonS3Client RawClient() => new(
        new Amazon.Runtime.BasicAWSCredentials(S3TestServer.AccessKey, S3TestServer.SecretKey),
        new AmazonS3Config
        {
            ServiceURL = S3TestServer.Endpoint,
            ForcePathStyle = true,
            AuthenticationRegion = "us-east-1",
            RequestChecksumCalculation = Amazon.Runtime.RequestChecksumCalculation.WHEN_REQUIRED,
            ResponseChecksumValidation = Amazon.Runtime.ResponseChecksumValidation.WHEN_REQUIRED,
        });
}
