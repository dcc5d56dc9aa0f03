using Keepsake.Repository.Backends;
using Keepsake.Repository.S3;

namespace Keepsake.Cli.Tests;

/// <summary>The exit codes of what a vault's storage (an S3 server) does wrong, from the one mapping.</summary>
public sealed class VaultStorageErrorTests
{
    [Fact]
    public void Classify_MissingBucket_IsVaultNotFound()
    {
        var (code, message) = ErrorReporter.Classify(new S3BucketNotFoundException("s3:http://127.0.0.1:9/bucket"));
        Assert.Equal(ExitCodes.VaultNotFound, code);
        Assert.Contains("keepsake init", message, StringComparison.Ordinal);
    }

    [Fact]
    public void Classify_RefusedCredentials_IsVaultAccessDenied()
    {
        var (code, _) = ErrorReporter.Classify(new S3AccessDeniedException("the S3 server refused access", "SignatureDoesNotMatch"));
        Assert.Equal(ExitCodes.VaultAccessDenied, code);
    }

    [Fact]
    public void Classify_TransientStorageFailure_IsVaultUnreachable()
    {
        var (code, message) = ErrorReporter.Classify(new BackendException("S3 server 127.0.0.1:9 did not answer.", isTransient: true));
        Assert.Equal(ExitCodes.VaultUnreachable, code);
        Assert.Contains("run the command again", message, StringComparison.Ordinal);
    }

    [Fact]
    public void ExitCodeTable_ListsTheStorageCodes()
    {
        Assert.Contains($"{ExitCodes.VaultAccessDenied}   vault storage refused the credentials", ExitCodes.ToText(), StringComparison.Ordinal);
        Assert.Contains($"{ExitCodes.VaultUnreachable}   vault storage did not answer", ExitCodes.ToText(), StringComparison.Ordinal);
    }
}
