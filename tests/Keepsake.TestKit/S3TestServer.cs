namespace Keepsake.TestKit;

/// <summary>
/// The S3 server of this test run (a single-node Ceph radosgw that test.sh starts with
/// tests/s3-server.sh), from KEEPSAKE_TEST_S3_ENDPOINT / _ACCESS_KEY / _SECRET_KEY. Each test takes
/// its own fresh bucket (<see cref="NewBucket"/>), so tests never see each other's files.
/// </summary>
public static class S3TestServer
{
    public const string EndpointVariable = "KEEPSAKE_TEST_S3_ENDPOINT";
    public const string AccessKeyVariable = "KEEPSAKE_TEST_S3_ACCESS_KEY";
    public const string SecretKeyVariable = "KEEPSAKE_TEST_S3_SECRET_KEY";
    public const string RgwPidFileVariable = "KEEPSAKE_TEST_S3_RGW_PIDFILE";

    /// <summary>Whether the variables are set.</summary>
    public static bool IsAvailable =>
        !string.IsNullOrEmpty(Environment.GetEnvironmentVariable(EndpointVariable))
        && !string.IsNullOrEmpty(Environment.GetEnvironmentVariable(AccessKeyVariable))
        && !string.IsNullOrEmpty(Environment.GetEnvironmentVariable(SecretKeyVariable));

    /// <summary>The server, e.g. <c>http://127.0.0.1:40123</c>.</summary>
    public static string Endpoint => Required(EndpointVariable).TrimEnd('/');

    public static string AccessKey => Required(AccessKeyVariable);

    public static string SecretKey => Required(SecretKeyVariable);

    /// <summary>A bucket name not used before (lower-case, valid for S3).</summary>
    public static string NewBucket(string purpose = "t")
    {
        var name = $"ks-{purpose}-{Guid.NewGuid():N}";
        return name.Length > 63 ? name[..63] : name;
    }

    /// <summary>The restic-form address of a bucket (and prefix) on this server.</summary>
    public static string Address(string bucket, string? prefix = null) =>
        $"s3:{Endpoint}/{bucket}" + (prefix is null ? string.Empty : "/" + prefix);

    /// <summary>The environment restic and keepsake read credentials from.</summary>
    public static Dictionary<string, string> CredentialEnvironment() => new()
    {
        ["AWS_ACCESS_KEY_ID"] = AccessKey,
        ["AWS_SECRET_ACCESS_KEY"] = SecretKey,
    };

    private static string Required(string variable) =>
        Environment.GetEnvironmentVariable(variable) is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException($"{variable} is not set: run the tests with ./test.sh, which starts the S3 test server (tests/s3-server.sh).");
}

/// <summary>
/// A fact that needs the S3 test server. Skipped with a message when its variables are absent on a
/// developer machine; under CI (CI=true) it runs anyway and fails, so a missing server is never silent.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class S3FactAttribute : FactAttribute
{
    public S3FactAttribute()
    {
        if (!S3TestServer.IsAvailable && Environment.GetEnvironmentVariable("CI") != "true")
        {
            Skip = $"No S3 test server: {S3TestServer.EndpointVariable} is not set (./test.sh starts one with tests/s3-server.sh).";
        }
    }
}

/// <summary>A theory that needs the S3 test server; skipped or failed as <see cref="S3FactAttribute"/>.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class S3TheoryAttribute : TheoryAttribute
{
    public S3TheoryAttribute()
    {
        Skip = new S3FactAttribute().Skip;
    }
}
