namespace Keepsake.BackupFormat;

/// <summary>What <see cref="BackupExtractor.Extract"/> did.</summary>
public sealed class ExtractResult
{
    internal ExtractResult(int files, int directories, int symlinks, long bytes, IReadOnlyList<string> missing, IReadOnlyList<ExtractSkip> skipped)
    {
        Files = files;
        Directories = directories;
        Symlinks = symlinks;
        Bytes = bytes;
        Missing = missing;
        Skipped = skipped;
    }

    /// <summary>Regular files written.</summary>
    public int Files { get; }

    /// <summary>Directories created (or already present).</summary>
    public int Directories { get; }

    /// <summary>Symbolic links created.</summary>
    public int Symlinks { get; }

    /// <summary>Bytes of file content written.</summary>
    public long Bytes { get; }

    /// <summary>Files whose content blob is absent from the backup ("domain/relativePath").</summary>
    public IReadOnlyList<string> Missing { get; }

    /// <summary>Entries not written, with the reason (unsafe paths, links pointing out, collisions).</summary>
    public IReadOnlyList<ExtractSkip> Skipped { get; }
}
