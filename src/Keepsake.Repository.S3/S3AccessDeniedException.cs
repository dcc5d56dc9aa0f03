using Keepsake.Repository.Backends;

namespace Keepsake.Repository.S3;

/// <summary>
/// The S3 server refused the credentials (unknown key, wrong secret, no permission), or none were
/// found. The message names the server's error code and the bucket, never a key. Never transient.
/// </summary>
public sealed class S3AccessDeniedException : BackendException
{
    public S3AccessDeniedException(string message, string errorCode, Exception? innerException = null)
        : base(message, isTransient: false, innerException)
    {
        ErrorCode = errorCode;
    }

    /// <summary>The server's error code (InvalidAccessKeyId, SignatureDoesNotMatch, AccessDenied) or "NoCredentials".</summary>
    public string ErrorCode { get; }
}
