namespace Keepsake.Primitives;

/// <summary>
/// Files that only their owner may read (mode 0600 whatever the umask; on Windows, the default ACL):
/// pair records and keys, decrypted phone data, temporary copies.
/// </summary>
public static class OwnerOnlyFile
{
    private const UnixFileMode Mode = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <summary>Creates <paramref name="path"/>, which must not exist, open for writing.</summary>
    /// <exception cref="IOException">The file exists or cannot be created.</exception>
    public static FileStream Create(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        return new FileStream(path, Options(FileMode.CreateNew));
    }

    /// <summary>Replaces <paramref name="path"/> with <paramref name="content"/> through a temporary file and a rename.</summary>
    public static void WriteAllBytes(string path, ReadOnlySpan<byte> content)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var temp = path + ".tmp";
        using (var stream = new FileStream(temp, Options(FileMode.Create)))
        {
            RestrictExisting(temp);
            stream.Write(content);
        }

        File.Move(temp, path, overwrite: true);
    }

    /// <summary>As <see cref="WriteAllBytes"/>, asynchronously.</summary>
    public static async Task WriteAllBytesAsync(string path, ReadOnlyMemory<byte> content, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var temp = path + ".tmp";
        var stream = new FileStream(temp, Options(FileMode.Create));
        await using (stream.ConfigureAwait(false))
        {
            RestrictExisting(temp);
            await stream.WriteAsync(content, cancellationToken).ConfigureAwait(false);
        }

        File.Move(temp, path, overwrite: true);
    }

    private static FileStreamOptions Options(FileMode mode)
    {
        var options = new FileStreamOptions { Mode = mode, Access = FileAccess.Write, Share = FileShare.None };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = Mode;
        }

        return options;
    }

    /// <summary>A leftover temporary file keeps its old mode when reopened: narrow it.</summary>
    private static void RestrictExisting(string path)
    {
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, Mode);
        }
    }
}
