using Keepsake.Primitives;
using Keepsake.TestKit;

namespace Keepsake.Repository.S3.Tests;

/// <summary>Backends on the test run's S3 server, each in a fresh bucket.</summary>
internal static class S3TestBackends
{
    public static S3BackendOptions Options(S3BackendOptions? template = null) => (template ?? new S3BackendOptions()) with
    {
        AccessKeyId = S3TestServer.AccessKey,
        SecretAccessKey = Secret.FromString(S3TestServer.SecretKey),
        RequestTimeout = TimeSpan.FromSeconds(20),
    };

    /// <summary>A backend on a new, created bucket (optionally under a prefix).</summary>
    public static async Task<S3Backend> CreateAsync(string? prefix = null, S3BackendOptions? options = null)
    {
        var backend = new S3Backend(S3Address.Parse(S3TestServer.Address(S3TestServer.NewBucket(), prefix)), Options(options));
        await backend.EnsureBucketAsync();
        return backend;
    }
}
