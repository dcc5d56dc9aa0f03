using System.Net;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using Amazon;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using Keepsake.Repository.Backends;

namespace Keepsake.Repository.S3;

/// <summary>
/// A repository in an S3 bucket (AWS, Ceph RGW, MinIO, ...), in restic's layout under an optional
/// prefix: <c>config</c>, <c>keys/</c>, <c>locks/</c>, <c>snapshots/</c>, <c>index/</c>,
/// <c>data/&lt;2 hex&gt;/&lt;id&gt;</c>, so restic's own <c>s3:</c> backend reads the same vault.
/// Saves are create-only (<c>If-None-Match: *</c>; 412 means the file is already there); files above
/// <see cref="S3BackendOptions.MultipartThreshold"/> go up in parts; reads are ranged; listing is
/// paged. At most <see cref="S3BackendOptions.MaxConnections"/> requests run at once. The SDK does
/// not retry: failures are <see cref="BackendException"/>s marked transient or not, for a
/// <see cref="RetryBackend"/> to repeat. Credentials come from the options or the standard AWS
/// variables and profiles, and never appear in a message.
/// </summary>
public sealed class S3Backend : IBackend, IDisposable
{
    private readonly AmazonS3Client _client;
    private readonly S3Address _address;
    private readonly S3BackendOptions _options;
    private readonly SemaphoreSlim _connections;
    private readonly UploadLimiter? _limiter;
    private int _staleUploadsChecked;

    public S3Backend(S3Address address, S3BackendOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(address);
        _address = address;
        _options = options ?? new S3BackendOptions();
        ArgumentOutOfRangeException.ThrowIfLessThan(_options.PartSize, S3BackendOptions.MinimumPartSize);
        ArgumentOutOfRangeException.ThrowIfLessThan(_options.MaxConnections, 1);
        _connections = new SemaphoreSlim(_options.MaxConnections);
        _limiter = _options.UploadBytesPerSecond is > 0 and var rate ? new UploadLimiter(rate) : null;
        var region = _options.Region
            ?? NullIfEmpty(Environment.GetEnvironmentVariable("AWS_REGION"))
            ?? NullIfEmpty(Environment.GetEnvironmentVariable("AWS_DEFAULT_REGION"))
            ?? address.HostRegion
            ?? "us-east-1";
        var config = new AmazonS3Config
        {
            // The SDK's default streaming trailer checksums are refused by Ceph RGW (and other non-AWS
            // servers); saves carry Content-MD5 instead, which every S3 server checks.
            RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED,
            ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED,
            MaxErrorRetry = 0,
            Timeout = _options.RequestTimeout,
            MaxConnectionsPerServer = _options.MaxConnections,
            DisableLogging = true,
        };
        if (address.IsAws)
        {
            config.RegionEndpoint = RegionEndpoint.GetBySystemName(region);
        }
        else
        {
            config.ServiceURL = address.Endpoint.ToString();
            config.ForcePathStyle = true;
            config.AuthenticationRegion = region;
        }

        _client = _options.AccessKeyId is { } keyId && _options.SecretAccessKey is { } secret
            ? new AmazonS3Client(new BasicAWSCredentials(keyId, secret.Reveal()), config)
            : new AmazonS3Client(config);
    }

    /// <inheritdoc />
    public string Location => _address.ToString();

    /// <summary>Requests and bytes so far.</summary>
    public S3Usage Usage => _options.Usage;

    /// <summary>Whether the bucket exists (a HEAD on it).</summary>
    public async Task<bool> BucketExistsAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            await SendAsync(ct => _client.GetBucketLocationAsync(new GetBucketLocationRequest { BucketName = _address.Bucket }, ct), "bucket", cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (S3BucketNotFoundException)
        {
            return false;
        }
    }

    /// <summary>Creates the bucket unless it exists (as restic's init does).</summary>
    public async Task EnsureBucketAsync(CancellationToken cancellationToken = default)
    {
        if (await BucketExistsAsync(cancellationToken).ConfigureAwait(false))
        {
            return;
        }

        try
        {
            await SendAsync(ct => _client.PutBucketAsync(new PutBucketRequest { BucketName = _address.Bucket, UseClientRegion = true }, ct), "bucket", cancellationToken).ConfigureAwait(false);
        }
        catch (BackendException e) when (e.InnerException is AmazonS3Exception { ErrorCode: "BucketAlreadyOwnedByYou" })
        {
            // Another writer created it meanwhile.
        }
    }

    /// <inheritdoc />
    public async Task SaveAsync(FileType type, string name, ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default)
    {
        var key = Key(type, name);
        if (data.Length > _options.MultipartThreshold)
        {
            await SaveMultipartAsync(key, data, cancellationToken).ConfigureAwait(false);
            return;
        }

        try
        {
            await SendAsync(
                async ct =>
                {
                    using var body = new UploadStream(data, _limiter);
                    var response = await _client.PutObjectAsync(
                        new PutObjectRequest
                        {
                            BucketName = _address.Bucket,
                            Key = key,
                            InputStream = body,
                            AutoCloseStream = false,
                            MD5Digest = Md5(data.Span),
                            IfNoneMatch = "*",
                            ContentType = "application/octet-stream",
                        },
                        ct).ConfigureAwait(false);
                    _options.Usage.AddUploaded(data.Length);
                    return response;
                },
                key,
                cancellationToken).ConfigureAwait(false);
        }
        catch (BackendException e) when (e.InnerException is AmazonS3Exception { StatusCode: HttpStatusCode.PreconditionFailed })
        {
            // If-None-Match: * refused: the file is already there (names are content hashes).
        }
    }

    /// <inheritdoc />
    public async Task<byte[]> LoadAsync(FileType type, string name, long offset = 0, int length = 0, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        var key = Key(type, name);
        return await GetAsync(type, name, key, offset, length, async (stream, contentLength, ct) =>
        {
            var result = new byte[contentLength];
            await stream.ReadExactlyAsync(result, ct).ConfigureAwait(false);
            return result;
        }, [], cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<int> ReadAsync(FileType type, string name, long offset, Memory<byte> destination, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        if (destination.Length == 0)
        {
            await StatAsync(type, name, cancellationToken).ConfigureAwait(false);
            return 0;
        }

        var key = Key(type, name);
        return await GetAsync(type, name, key, offset, destination.Length, async (stream, contentLength, ct) =>
        {
            var n = (int)Math.Min(contentLength, destination.Length);
            await stream.ReadExactlyAsync(destination[..n], ct).ConfigureAwait(false);
            return n;
        }, 0, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<BackendFileInfo> StatAsync(FileType type, string name, CancellationToken cancellationToken = default)
    {
        var key = Key(type, name);
        try
        {
            var head = await SendAsync(ct => _client.GetObjectMetadataAsync(new GetObjectMetadataRequest { BucketName = _address.Bucket, Key = key }, ct), key, cancellationToken).ConfigureAwait(false);
            return new BackendFileInfo(type, name, head.ContentLength);
        }
        catch (BackendException e) when (IsMissingObject(e))
        {
            throw new BackendNotFoundException(type, name, e);
        }
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<BackendFileInfo> ListAsync(FileType type, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        if (type == FileType.Config)
        {
            BackendFileInfo? config = null;
            try
            {
                config = await StatAsync(FileType.Config, BackendNames.ConfigName, cancellationToken).ConfigureAwait(false);
            }
            catch (BackendNotFoundException)
            {
            }

            if (config is not null)
            {
                yield return config;
            }

            yield break;
        }

        var prefix = Root + BackendNames.Folder(type) + "/";
        string? continuation = null;
        do
        {
            var request = new ListObjectsV2Request { BucketName = _address.Bucket, Prefix = prefix, ContinuationToken = continuation, MaxKeys = 1000 };
            var page = await SendAsync(ct => _client.ListObjectsV2Async(request, ct), prefix, cancellationToken).ConfigureAwait(false);
            foreach (var o in page.S3Objects ?? [])
            {
                var name = o.Key[(o.Key.LastIndexOf('/') + 1)..];
                if (BackendNames.IsStorageId(name) && o.Key == Root + BackendNames.RelativePath(type, name))
                {
                    yield return new BackendFileInfo(type, name, o.Size ?? 0);
                }
            }

            continuation = page.IsTruncated == true ? page.NextContinuationToken : null;
        }
        while (continuation is not null);
    }

    /// <inheritdoc />
    public async Task RemoveAsync(FileType type, string name, CancellationToken cancellationToken = default)
    {
        var key = Key(type, name);
        try
        {
            await SendAsync(ct => _client.DeleteObjectAsync(new DeleteObjectRequest { BucketName = _address.Bucket, Key = key }, ct), key, cancellationToken).ConfigureAwait(false);
        }
        catch (BackendException e) when (IsMissingObject(e))
        {
            // Already gone.
        }
    }

    /// <summary>
    /// Aborts multipart uploads under this vault's prefix begun before <paramref name="olderThan"/>
    /// ago: left over by a writer that died mid-upload, they would be billed for ever. Returns how many.
    /// </summary>
    public async Task<int> AbortStaleUploadsAsync(TimeSpan olderThan, CancellationToken cancellationToken = default)
    {
        var aborted = 0;
        string? keyMarker = null;
        string? uploadMarker = null;
        var cutoff = DateTime.UtcNow - olderThan;
        do
        {
            var request = new ListMultipartUploadsRequest { BucketName = _address.Bucket, Prefix = Root, KeyMarker = keyMarker, UploadIdMarker = uploadMarker };
            var page = await SendAsync(ct => _client.ListMultipartUploadsAsync(request, ct), "uploads", cancellationToken).ConfigureAwait(false);
            foreach (var upload in page.MultipartUploads ?? [])
            {
                if (upload.Initiated is { } initiated && initiated.ToUniversalTime() < cutoff)
                {
                    await AbortAsync(upload.Key, upload.UploadId, cancellationToken).ConfigureAwait(false);
                    aborted++;
                }
            }

            (keyMarker, uploadMarker) = page.IsTruncated == true ? (page.NextKeyMarker, page.NextUploadIdMarker) : (null, null);
        }
        while (keyMarker is not null);
        return aborted;
    }

    public void Dispose()
    {
        _client.Dispose();
        _connections.Dispose();
    }

    private string Root => _address.Prefix.Length == 0 ? string.Empty : _address.Prefix + "/";

    private string Key(FileType type, string name) => Root + BackendNames.RelativePath(type, name);

    private async Task SaveMultipartAsync(string key, ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _staleUploadsChecked, 1) == 0)
        {
            await AbortStaleUploadsAsync(_options.StaleUploadAge, cancellationToken).ConfigureAwait(false);
        }

        // A multipart upload cannot be made create-only on every server (radosgw 16 ignores
        // If-None-Match on completion), so it looks first: a name is a content hash, and a file
        // already there is the same file.
        try
        {
            await SendAsync(ct => _client.GetObjectMetadataAsync(new GetObjectMetadataRequest { BucketName = _address.Bucket, Key = key }, ct), key, cancellationToken).ConfigureAwait(false);
            return;
        }
        catch (BackendException e) when (IsMissingObject(e))
        {
        }

        var started = await SendAsync(ct => _client.InitiateMultipartUploadAsync(new InitiateMultipartUploadRequest { BucketName = _address.Bucket, Key = key, ContentType = "application/octet-stream" }, ct), key, cancellationToken).ConfigureAwait(false);
        try
        {
            var parts = new List<PartETag>();
            for (var (offset, number) = (0, 1); offset < data.Length; offset += _options.PartSize, number++)
            {
                var part = data.Slice(offset, Math.Min(_options.PartSize, data.Length - offset));
                var partNumber = number;
                var response = await SendAsync(
                    async ct =>
                    {
                        using var body = new UploadStream(part, _limiter);
                        var r = await _client.UploadPartAsync(
                            new UploadPartRequest
                            {
                                BucketName = _address.Bucket,
                                Key = key,
                                UploadId = started.UploadId,
                                PartNumber = partNumber,
                                InputStream = body,
                                PartSize = part.Length,
                                MD5Digest = Md5(part.Span),
                            },
                            ct).ConfigureAwait(false);
                        _options.Usage.AddUploaded(part.Length);
                        return r;
                    },
                    key,
                    cancellationToken).ConfigureAwait(false);
                parts.Add(new PartETag(partNumber, response.ETag));
            }

            await SendAsync(ct => _client.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest { BucketName = _address.Bucket, Key = key, UploadId = started.UploadId, PartETags = parts }, ct), key, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            try
            {
                await AbortAsync(key, started.UploadId, CancellationToken.None).ConfigureAwait(false);
            }
            catch (BackendException)
            {
                // Left for AbortStaleUploadsAsync.
            }

            throw;
        }
    }

    private Task AbortAsync(string key, string uploadId, CancellationToken cancellationToken) =>
        SendAsync(ct => _client.AbortMultipartUploadAsync(new AbortMultipartUploadRequest { BucketName = _address.Bucket, Key = key, UploadId = uploadId }, ct), key, cancellationToken);

    private async Task<T> GetAsync<T>(FileType type, string name, string key, long offset, int length, Func<Stream, long, CancellationToken, Task<T>> read, T empty, CancellationToken cancellationToken)
    {
        var request = new GetObjectRequest { BucketName = _address.Bucket, Key = key };
        if (offset > 0 || length > 0)
        {
            request.ByteRange = length > 0 ? new ByteRange(offset, offset + length - 1) : new ByteRange($"bytes={offset}-");
        }

        try
        {
            return await SendAsync(
                async ct =>
                {
                    using var response = await _client.GetObjectAsync(request, ct).ConfigureAwait(false);
                    var result = await read(response.ResponseStream, response.ContentLength, ct).ConfigureAwait(false);
                    _options.Usage.AddDownloaded(response.ContentLength);
                    return result;
                },
                key,
                cancellationToken).ConfigureAwait(false);
        }
        catch (BackendException e) when (IsMissingObject(e))
        {
            throw new BackendNotFoundException(type, name, e);
        }
        catch (BackendException e) when (e.InnerException is AmazonS3Exception { StatusCode: HttpStatusCode.RequestedRangeNotSatisfiable })
        {
            // The range starts at or past the end: no bytes there.
            return empty;
        }
    }

    /// <summary>Sends one request within the connection bound, counting it and turning failures into backend exceptions.</summary>
    private async Task<T> SendAsync<T>(Func<CancellationToken, Task<T>> send, string what, CancellationToken cancellationToken)
    {
        await _connections.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            _options.Usage.AddRequest();
            return await send(cancellationToken).ConfigureAwait(false);
        }
        catch (AmazonS3Exception e)
        {
            throw Translate(e, what);
        }
        catch (AmazonClientException e) when (IsMissingCredentials(e))
        {
            throw new S3AccessDeniedException($"no S3 credentials for {Location}: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or AWS_PROFILE.", "NoCredentials", e);
        }
        catch (Exception e) when (IsNetworkFailure(e, cancellationToken))
        {
            throw new BackendException($"S3 server {_address.Endpoint.Authority} did not answer for {what}: {Describe(e)}", isTransient: true, e);
        }
        finally
        {
            _connections.Release();
        }
    }

    private BackendException Translate(AmazonS3Exception e, string what)
    {
        var code = e.ErrorCode ?? string.Empty;
        if (code == "NoSuchBucket")
        {
            return new S3BucketNotFoundException(Location, e);
        }

        if (e.StatusCode == HttpStatusCode.Forbidden || code is "InvalidAccessKeyId" or "SignatureDoesNotMatch" or "AccessDenied")
        {
            return new S3AccessDeniedException($"the S3 server refused access to {Location} ({(code.Length > 0 ? code : "403 Forbidden")}): check AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY or AWS_PROFILE and the bucket's permissions.", code, e);
        }

        if (e.StatusCode == HttpStatusCode.NotFound && what == "bucket")
        {
            return new S3BucketNotFoundException(Location, e);
        }

        var transient = (int)e.StatusCode >= 500 || e.StatusCode == HttpStatusCode.TooManyRequests
            || code is "SlowDown" or "RequestTimeout" or "InternalError" or "ServiceUnavailable" or "RequestTimeTooSkewed";
        return new BackendException($"S3 request for {what} in {Location} failed: {(int)e.StatusCode} {(code.Length > 0 ? code : e.StatusCode.ToString())}.", transient, e);
    }

    private static bool IsMissingObject(BackendException e) =>
        e is not S3BucketNotFoundException && e.InnerException is AmazonS3Exception { StatusCode: HttpStatusCode.NotFound };

    private static bool IsMissingCredentials(AmazonClientException e) =>
        e.Message.Contains("credentials", StringComparison.OrdinalIgnoreCase);

    private static bool IsNetworkFailure(Exception e, CancellationToken cancellationToken) => e switch
    {
        OperationCanceledException => !cancellationToken.IsCancellationRequested,
        HttpRequestException or IOException or SocketException or TimeoutException => true,
        AmazonServiceException { InnerException: { } inner } => IsNetworkFailure(inner, cancellationToken),
        AmazonClientException { InnerException: { } inner } => IsNetworkFailure(inner, cancellationToken),
        _ => false,
    };

    private static string Describe(Exception e) => e switch
    {
        OperationCanceledException => "timed out",
        { InnerException: { } inner } when e is not SocketException => Describe(inner),
        _ => e.Message,
    };

    private static string Md5(ReadOnlySpan<byte> data)
    {
#pragma warning disable CA5351 // Content-MD5 is S3's integrity check of the upload, not a security measure.
        return Convert.ToBase64String(MD5.HashData(data));
#pragma warning restore CA5351
    }

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;
}
