namespace Keepsake.Repository.Backends;

/// <summary>
/// Where a repository's files live. Files are named by type and name (the lower-case hex storage
/// ID; the name is ignored for <see cref="FileType.Config"/>), written once and never modified.
/// Every implementation passes <c>BackendConformanceTests</c>. Implementations are thread-safe.
/// Failures raise <see cref="BackendException"/> (with <see cref="BackendException.IsTransient"/>)
/// or <see cref="BackendNotFoundException"/>; argument misuse raises BCL argument exceptions.
/// </summary>
public interface IBackend
{
    /// <summary>A human-readable location (a folder path, <c>memory:</c>, a bucket URL). Never contains credentials.</summary>
    string Location { get; }

    /// <summary>
    /// Stores <paramref name="data"/> under the name, atomically: a reader sees either no file or
    /// the whole file, never a part, even if the process dies mid-call. When this returns the file
    /// is durable. Idempotent: saving a name that already exists succeeds and leaves the stored file
    /// (names are content hashes, so the content is the same). The caller may reuse the memory of
    /// <paramref name="data"/> once the returned task completes, so an implementation that keeps the
    /// bytes must copy them.
    /// </summary>
    Task SaveAsync(FileType type, string name, ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default);

    /// <summary>
    /// Reads <paramref name="length"/> bytes from <paramref name="offset"/>, or to the end when
    /// <paramref name="length"/> is 0. A range that runs past the end returns the bytes that exist
    /// (callers check lengths). Missing file: <see cref="BackendNotFoundException"/>.
    /// </summary>
    Task<byte[]> LoadAsync(FileType type, string name, long offset = 0, int length = 0, CancellationToken cancellationToken = default);

    /// <summary>
    /// Reads into <paramref name="destination"/> from <paramref name="offset"/>; returns the bytes read,
    /// fewer than its length only where the file ends. Lets callers read into pooled buffers; the
    /// default goes through <see cref="LoadAsync"/>. Missing file: <see cref="BackendNotFoundException"/>.
    /// </summary>
    async Task<int> ReadAsync(FileType type, string name, long offset, Memory<byte> destination, CancellationToken cancellationToken = default)
    {
        if (destination.Length == 0)
        {
            await StatAsync(type, name, cancellationToken).ConfigureAwait(false);
            return 0;
        }

        var bytes = await LoadAsync(type, name, offset, destination.Length, cancellationToken).ConfigureAwait(false);
        bytes.CopyTo(destination);
        return bytes.Length;
    }

    /// <summary>The file's size. Missing file: <see cref="BackendNotFoundException"/>.</summary>
    Task<BackendFileInfo> StatAsync(FileType type, string name, CancellationToken cancellationToken = default);

    /// <summary>
    /// Every complete file of the type, in no particular order. Files still being written, and names
    /// that are not storage IDs, are not listed. Listing <see cref="FileType.Config"/> yields "config" when it exists.
    /// </summary>
    IAsyncEnumerable<BackendFileInfo> ListAsync(FileType type, CancellationToken cancellationToken = default);

    /// <summary>Deletes the file. Idempotent: removing a missing file succeeds.</summary>
    Task RemoveAsync(FileType type, string name, CancellationToken cancellationToken = default);

    /// <summary>
    /// Deletes what writers that died left half-written (a file save cut short by a kill), in the
    /// folders of data, index and snapshot files; returns how many. Call only while no other writer
    /// can be active, that is holding a lock with no other live lock on the repository. The default
    /// leaves nothing behind to delete.
    /// </summary>
    Task<int> RemoveAbandonedWritesAsync(CancellationToken cancellationToken = default) => Task.FromResult(0);
}
