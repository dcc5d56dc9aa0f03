using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using Keepsake.Repository.Backends;

namespace Keepsake.Repository.S3;

/// <summary>
/// A local, owner-only cache (folder 0700, files 0600) of a remote vault's small files: keys,
/// snapshots and index files, as restic's cache keeps them. Listing still asks the server (it is one
/// request per type and tells what exists), but the contents of files seen before are read from disk,
/// which makes <c>snapshots</c>, <c>ls</c> and every open far cheaper on a metered bucket. Names are
/// content hashes, so a cached file is checked against its name before use and fetched again when it
/// does not match; files no longer listed are dropped from the cache. Packs and locks pass through.
/// </summary>
public sealed class CachingBackend : IBackend
{
    private readonly IBackend _inner;
    private readonly string _folder;

    public CachingBackend(IBackend inner, string folder)
    {
        ArgumentNullException.ThrowIfNull(inner);
        ArgumentException.ThrowIfNullOrEmpty(folder);
        _inner = inner;
        _folder = folder;
    }

    /// <summary>The default cache folder of a vault: <c>$XDG_CACHE_HOME/keepsake/&lt;hash of its location&gt;</c>.</summary>
    public static string DefaultFolder(string location)
    {
        var cacheHome = Environment.GetEnvironmentVariable("XDG_CACHE_HOME") is { Length: > 0 } xdg
            ? xdg
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache");
        var hash = Convert.ToHexStringLower(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(location)))[..16];
        return Path.Combine(cacheHome, "keepsake", hash);
    }

    /// <inheritdoc />
    public string Location => _inner.Location;

    /// <inheritdoc />
    public async Task SaveAsync(FileType type, string name, ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default)
    {
        await _inner.SaveAsync(type, name, data, cancellationToken).ConfigureAwait(false);
        if (IsCached(type))
        {
            await StoreAsync(type, name, data, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    public async Task<byte[]> LoadAsync(FileType type, string name, long offset = 0, int length = 0, CancellationToken cancellationToken = default)
    {
        if (!IsCached(type))
        {
            return await _inner.LoadAsync(type, name, offset, length, cancellationToken).ConfigureAwait(false);
        }

        var whole = await LoadWholeAsync(type, name, cancellationToken).ConfigureAwait(false);
        if (offset == 0 && length == 0)
        {
            return whole;
        }

        var start = (int)Math.Min(offset, whole.Length);
        var end = length == 0 ? whole.Length : (int)Math.Min(whole.Length, offset + length);
        return whole[start..end];
    }

    /// <inheritdoc />
    public async Task<int> ReadAsync(FileType type, string name, long offset, Memory<byte> destination, CancellationToken cancellationToken = default)
    {
        if (!IsCached(type))
        {
            return await _inner.ReadAsync(type, name, offset, destination, cancellationToken).ConfigureAwait(false);
        }

        var bytes = await LoadAsync(type, name, offset, destination.Length, cancellationToken).ConfigureAwait(false);
        bytes.CopyTo(destination);
        return bytes.Length;
    }

    /// <inheritdoc />
    public Task<BackendFileInfo> StatAsync(FileType type, string name, CancellationToken cancellationToken = default) =>
        _inner.StatAsync(type, name, cancellationToken);

    /// <inheritdoc />
    public async IAsyncEnumerable<BackendFileInfo> ListAsync(FileType type, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var listed = IsCached(type) ? new HashSet<string>(StringComparer.Ordinal) : null;
        await foreach (var file in _inner.ListAsync(type, cancellationToken).ConfigureAwait(false))
        {
            listed?.Add(file.Name);
            yield return file;
        }

        // A complete listing says which cached files were removed from the vault (by prune, elsewhere).
        var folder = Path.Combine(_folder, BackendNames.Folder(type));
        if (listed is not null && Directory.Exists(folder))
        {
            foreach (var path in Directory.EnumerateFiles(folder))
            {
                if (!listed.Contains(Path.GetFileName(path)))
                {
                    File.Delete(path);
                }
            }
        }
    }

    /// <inheritdoc />
    public async Task RemoveAsync(FileType type, string name, CancellationToken cancellationToken = default)
    {
        await _inner.RemoveAsync(type, name, cancellationToken).ConfigureAwait(false);
        if (IsCached(type))
        {
            File.Delete(CachePath(type, name));
        }
    }

    private static bool IsCached(FileType type) => type is FileType.Key or FileType.Snapshot or FileType.Index;

    private string CachePath(FileType type, string name) => Path.Combine(_folder, BackendNames.RelativePath(type, name));

    private async Task<byte[]> LoadWholeAsync(FileType type, string name, CancellationToken cancellationToken)
    {
        var path = CachePath(type, name);
        if (File.Exists(path))
        {
            var cached = await File.ReadAllBytesAsync(path, cancellationToken).ConfigureAwait(false);
            if (Convert.ToHexStringLower(SHA256.HashData(cached)) == name)
            {
                return cached;
            }

            File.Delete(path);
        }

        var bytes = await _inner.LoadAsync(type, name, cancellationToken: cancellationToken).ConfigureAwait(false);
        if (Convert.ToHexStringLower(SHA256.HashData(bytes)) == name)
        {
            await StoreAsync(type, name, bytes, cancellationToken).ConfigureAwait(false);
        }

        return bytes;
    }

    /// <summary>Writes a cache file atomically (temporary name, then rename), owner-only.</summary>
    private async Task StoreAsync(FileType type, string name, ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        var path = CachePath(type, name);
        var folder = Path.GetDirectoryName(path)!;
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(folder);
        }
        else
        {
            Directory.CreateDirectory(_folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            Directory.CreateDirectory(folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        var temporary = $"{path}-tmp-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6))}";
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        try
        {
            var stream = new FileStream(temporary, options);
            await using (stream.ConfigureAwait(false))
            {
                await stream.WriteAsync(data, cancellationToken).ConfigureAwait(false);
            }

            File.Move(temporary, path, overwrite: true);
        }
        catch (IOException)
        {
            // The cache is an optimisation: a full disk or a race with another process only costs a download.
            File.Delete(temporary);
        }
    }
}
