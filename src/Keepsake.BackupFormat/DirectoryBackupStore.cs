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
    /// <remarks>
    /// A backup folder never holds symbolic links: a file or folder on the way that is one is refused
    /// (<see cref="BackupFormatError.LinkedFile"/>), so a planted link cannot make a read or an extract
    /// copy out a file from elsewhere on the disk.
    /// </remarks>
    public Stream OpenRead(string name)
    {
        var path = _root.Resolve(name);
        try
        {
            _root.ResolveNoFollow(name);
        }
        catch (PathEscapeException e)
        {
            throw new BackupFormatException(BackupFormatError.LinkedFile, name, $"not read, it is or passes through a symbolic link ({e.Message})", e);
        }

        return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan);
    }

    /// <inheritdoc />
    public string? GetLocalPath(string name) => _root.Resolve(name);
}
