using Keepsake.Primitives;

namespace Keepsake.Device.Services.MobileBackup2;

/// <summary>An <see cref="IDeviceLinkFileSystem"/> over a local folder, every path confined with <see cref="SafePath"/>.</summary>
public sealed class LocalDeviceLinkFileSystem : IDeviceLinkFileSystem
{
    private readonly SafePath _root;

    public LocalDeviceLinkFileSystem(string root)
    {
        ArgumentException.ThrowIfNullOrEmpty(root);
        Directory.CreateDirectory(root);
        _root = new SafePath(root);
    }

    public string Root => _root.Root;

    public Stream CreateFile(string path)
    {
        var full = _root.ResolveNoFollow(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        return new FileStream(full, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16, FileOptions.Asynchronous);
    }

    public void AbandonFile(string path)
    {
        var full = _root.Resolve(path);
        if (File.Exists(full))
        {
            File.Delete(full);
        }
    }

    public Stream? OpenRead(string path)
    {
        var full = _root.ResolveNoFollow(path);
        return File.Exists(full) ? new FileStream(full, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.Asynchronous | FileOptions.SequentialScan) : null;
    }

    public void CreateDirectory(string path) => Directory.CreateDirectory(_root.ResolveNoFollow(path));

    public void Move(string source, string destination)
    {
        var from = _root.ResolveNoFollow(source);
        var to = _root.ResolveNoFollow(destination);
        DeleteAny(to);
        Directory.CreateDirectory(Path.GetDirectoryName(to)!);
        if (Directory.Exists(from))
        {
            Directory.Move(from, to);
        }
        else
        {
            File.Move(from, to);
        }
    }

    public void Remove(string path) => DeleteAny(_root.ResolveNoFollow(path));

    public void Copy(string source, string destination)
    {
        var from = _root.ResolveNoFollow(source);
        var to = _root.ResolveNoFollow(destination);
        if (Directory.Exists(from))
        {
            CopyTree(from, to);
        }
        else
        {
            Directory.CreateDirectory(Path.GetDirectoryName(to)!);
            File.Copy(from, to, overwrite: true);
        }
    }

    public IReadOnlyList<DeviceLinkFileEntry> List(string path)
    {
        var full = _root.ResolveNoFollow(path);
        if (!Directory.Exists(full))
        {
            return [];
        }

        return [.. new DirectoryInfo(full).EnumerateFileSystemInfos().Select(i => new DeviceLinkFileEntry(
            i.Name,
            i is DirectoryInfo,
            i is FileInfo f ? f.Length : 0,
            new DateTimeOffset(i.LastWriteTimeUtc, TimeSpan.Zero)))];
    }

    public long GetFreeSpace() => new DriveInfo(_root.Root).AvailableFreeSpace;

    private static void DeleteAny(string full)
    {
        if (Directory.Exists(full))
        {
            Directory.Delete(full, recursive: true);
        }
        else if (File.Exists(full))
        {
            File.Delete(full);
        }
    }

    private static void CopyTree(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.EnumerateFiles(from))
        {
            File.Copy(file, Path.Combine(to, Path.GetFileName(file)), overwrite: true);
        }

        foreach (var dir in Directory.EnumerateDirectories(from))
        {
            CopyTree(dir, Path.Combine(to, Path.GetFileName(dir)));
        }
    }
}
