using Keepsake.Repository.Backends;

namespace Keepsake.Repository.S3;

/// <summary>The bucket of an S3 address does not exist (only <c>init</c> creates one). Never transient.</summary>
public sealed class S3BucketNotFoundException : BackendException
{
    public S3BucketNotFoundException(string location, Exception? innerException = null)
        : base($"there is no bucket at {location}; `keepsake init` creates it.", isTransient: false, innerException)
    {
        Location = location;
    }

    /// <summary>The S3 address (never holds credentials).</summary>
    public string Location { get; }
}
