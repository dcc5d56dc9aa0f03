using Keepsake.Primitives;

namespace Keepsake.Repository.S3;

/// <summary>How an <see cref="S3Backend"/> talks to its server.</summary>
public sealed record S3BackendOptions
{
    /// <summary>The smallest part S3 accepts in a multipart upload (except the last).</summary>
    public const int MinimumPartSize = 5 * 1024 * 1024;

    /// <summary>Files larger than this are sent as a multipart upload (restic: 200 MiB; a pack is about 16 MiB).</summary>
    public long MultipartThreshold { get; init; } = 64L * 1024 * 1024;

    /// <summary>The size of each part of a multipart upload (at least <see cref="MinimumPartSize"/>).</summary>
    public int PartSize { get; init; } = 16 * 1024 * 1024;

    /// <summary>At most this many requests are in flight at once (restic: 5).</summary>
    public int MaxConnections { get; init; } = 8;

    /// <summary>Upload bandwidth limit in bytes per second over all requests (restic's --limit-upload), or null.</summary>
    public long? UploadBytesPerSecond { get; init; }

    /// <summary>How long one request may take before it fails as transient.</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>Multipart uploads begun longer ago than this are left over by a writer that died, and are aborted.</summary>
    public TimeSpan StaleUploadAge { get; init; } = TimeSpan.FromHours(1);

    /// <summary>The signing region (else AWS_REGION, AWS_DEFAULT_REGION, the host's region, or us-east-1).</summary>
    public string? Region { get; init; }

    /// <summary>An access key ID to use instead of the standard AWS variables and profiles (tests, embedding).</summary>
    public string? AccessKeyId { get; init; }

    /// <summary>The secret key that goes with <see cref="AccessKeyId"/>.</summary>
    public Secret? SecretAccessKey { get; init; }

    /// <summary>Where requests and bytes are counted (a fresh counter when not given).</summary>
    public S3Usage Usage { get; init; } = new();
}
