namespace Keepsake.Repository.S3;

/// <summary>What a backend has cost so far: requests sent and bytes sent and received. Thread-safe.</summary>
public sealed class S3Usage
{
    private long _requests;
    private long _bytesUploaded;
    private long _bytesDownloaded;

    /// <summary>Requests sent (each retry counts).</summary>
    public long Requests => Interlocked.Read(ref _requests);

    /// <summary>Object bytes sent (request bodies).</summary>
    public long BytesUploaded => Interlocked.Read(ref _bytesUploaded);

    /// <summary>Object bytes received (response bodies of reads).</summary>
    public long BytesDownloaded => Interlocked.Read(ref _bytesDownloaded);

    internal void AddRequest() => Interlocked.Increment(ref _requests);

    internal void AddUploaded(long bytes) => Interlocked.Add(ref _bytesUploaded, bytes);

    internal void AddDownloaded(long bytes) => Interlocked.Add(ref _bytesDownloaded, bytes);
}
