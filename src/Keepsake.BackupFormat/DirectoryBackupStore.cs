using Keepsake.Primitives;

namespace Keepsake.BackupFormat;

/// <summary>An <see cref="IBackupStore"/> over a backup folder on the local disk.</summary>
public sealed class DirectoryBackupStore : IBackupStore
{
    private readonly SafePath _root;

    /// <summary>Reads the backup folder at <paramref name="folder"/> (made absolute).</summary>
    public DirectoryBackupStore(string folder)
    {
        ArgumentException.ThrowIfNullOrEmpty(folder);
        _root = new SafePath(folder);
    }

    /// <inheritdoc />
    public string Location => _root.Root;

    /// <inheritdoc />
    public bool FileExists(string name) => File.Exists(_root.Resolve(name));

    /// <inheritdoc />
    public bool DirectoryExists(string name) => Directory.Exists(_root.Resolve(name));

    /// <inheritdoc />
    public long GetLength(string name) => new FileInfo(_root.Resolve(name)).Length;

    /// <inheritdoc />
    public Stream OpenRead(string name) =>
        new FileStream(_root.Resolve(name), FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan);

    /// <inheritdoc />
    public string? GetLocalPath(string name) => _root.Resolve(name);
}
