using Keepsake.Primitives;

namespace Keepsake.BackupFormat;

/// <summary>
/// Copies a backup's entries out as ordinary files, laid out as <c>DEST/domain/relativePath</c>.
/// Every output path goes through <see cref="SafePath.ResolveNoFollow"/>: Manifest paths with
/// <c>..</c>, absolute paths, or symbolic links pointing out never cause a write outside DEST; such
/// entries are skipped and reported. A link is made only when its target, resolved on disk through
/// the links already made (as the kernel will resolve it), stays inside its domain folder without
/// ever leaving DEST on the way. Each file is written to <c>name.keepsake-partial</c> (or a short
/// hidden name when that would be too long) and renamed when complete. One bad entry costs only
/// itself: missing blobs are collected; a blob that cannot be read or decrypted, a blob that is a
/// symbolic link, or a name the file system cannot hold is skipped and reported (its partial file
/// removed). Disk full and cancellation stop the extract.
/// </summary>
public static class BackupExtractor
{
    /// <summary>The suffix of a file being written.</summary>
    public const string PartialSuffix = ".keepsake-partial";

    /// <summary>The longest file name, in UTF-8 bytes, that Linux, macOS and Windows file systems all accept.</summary>
    private const int MaxNameBytes = 255;

    /// <summary>Extracts the entries selected by <paramref name="options"/> from <paramref name="source"/> into <paramref name="destination"/>.</summary>
    public static ExtractResult Extract(IBackupFileSource source, string destination, ExtractOptions options, IProgress<ExtractProgress>? progress = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentException.ThrowIfNullOrEmpty(destination);
        ArgumentNullException.ThrowIfNull(options);
        Directory.CreateDirectory(destination);
        var safe = new SafePath(destination);
        var missing = new List<string>();
        var skipped = new List<ExtractSkip>();
        var directoryTimes = new List<(string Path, DateTimeOffset Time)>();
        var links = new LinkResolver(safe.Root);
        int files = 0, directories = 0, symlinks = 0;
        long bytes = 0;
        var buffer = new byte[1 << 20];
        foreach (var entry in source.Entries(options.Domain, options.PathPrefix))
        {
            ct.ThrowIfCancellationRequested();
            var name = $"{entry.Domain}/{entry.RelativePath}";
            string target;
            try
            {
                if (entry.Domain.Length == 0 || entry.Domain.Contains('/', StringComparison.Ordinal) || entry.Domain.Contains('\\', StringComparison.Ordinal))
                {
                    throw new PathEscapeException(safe.Root, name, "the domain is not a single folder name");
                }

                if (entry.RelativePath.StartsWith('/') || entry.RelativePath.StartsWith('\\') || (entry.RelativePath.Length >= 2 && entry.RelativePath[1] == ':'))
                {
                    throw new PathEscapeException(safe.Root, name, "the relative path is absolute");
                }

                target = safe.ResolveNoFollow(name);
                if (LongestSegment(name) is { } tooLong)
                {
                    skipped.Add(new ExtractSkip(name, $"a name of {tooLong} bytes is longer than the file system allows ({MaxNameBytes})") { Kind = ExtractSkipKind.Unwritable });
                    continue;
                }
            }
            catch (PathEscapeException e)
            {
                skipped.Add(new ExtractSkip(name, e.Message));
                continue;
            }

            try
            {
                switch (entry.Kind)
                {
                    case BackupEntryKind.Directory:
                        if (File.Exists(target))
                        {
                            skipped.Add(new ExtractSkip(name, "a file or link already exists at the directory's path") { Kind = ExtractSkipKind.Conflict });
                            break;
                        }

                        Directory.CreateDirectory(target);
                        directories++;
                        directoryTimes.Add((target, entry.LastModified));
                        break;
                    case BackupEntryKind.Symlink:
                        if (CreateLink(safe, links, entry, name, target, skipped))
                        {
                            symlinks++;
                        }

                        break;
                    default:
                        var written = WriteFile(source, entry, name, safe, target, buffer, options, missing, skipped, ct);
                        if (written >= 0)
                        {
                            files++;
                            bytes += written;
                            progress?.Report(new ExtractProgress(files, bytes, name));
                        }

                        break;
                }
            }
            catch (PathEscapeException e)
            {
                skipped.Add(new ExtractSkip(name, e.Message));
            }
            catch (IOException e) when (e is PathTooLongException || IsNameTooLong(e))
            {
                skipped.Add(new ExtractSkip(name, $"the file system cannot hold this name: {e.Message}") { Kind = ExtractSkipKind.Unwritable });
            }
        }

        foreach (var unreadable in source.UnreadableEntries)
        {
            skipped.Add(new ExtractSkip(unreadable.Path ?? "Manifest.db", unreadable.Message) { Kind = ExtractSkipKind.Unreadable });
        }

        if (options.RestoreModificationTimes)
        {
            // Deepest first, after every file is written, so later writes do not bump them again.
            foreach (var (path, time) in directoryTimes.OrderByDescending(d => d.Path.Length))
            {
                TrySetTime(path, time, directory: true);
            }
        }

        return new ExtractResult(files, directories, symlinks, bytes, missing, skipped);
    }

    private static long WriteFile(IBackupFileSource source, BackupEntry entry, string name, SafePath safe, string target, byte[] buffer, ExtractOptions options, List<string> missing, List<ExtractSkip> skipped, CancellationToken ct)
    {
        if (Directory.Exists(target))
        {
            skipped.Add(new ExtractSkip(name, "a directory already exists at the file's path") { Kind = ExtractSkipKind.Conflict });
            return -1;
        }

        Stream input;
        try
        {
            input = source.OpenRead(entry);
        }
        catch (BackupFormatException e) when (e.Error == BackupFormatError.MissingBlob)
        {
            missing.Add(name);
            return -1;
        }
        catch (BackupFormatException e) when (e.Error == BackupFormatError.DeviceBoundKey)
        {
            skipped.Add(new ExtractSkip(name, e.Message) { Kind = ExtractSkipKind.DeviceBound });
            return -1;
        }
        catch (BackupFormatException e) when (e.Error == BackupFormatError.CorruptBlob)
        {
            skipped.Add(new ExtractSkip(name, e.Message) { Kind = ExtractSkipKind.Damaged });
            return -1;
        }
        catch (BackupFormatException e)
        {
            skipped.Add(new ExtractSkip(name, e.Message) { Kind = ExtractSkipKind.Unreadable });
            return -1;
        }

        using (input)
        {
            var parent = Path.GetDirectoryName(target)!;
            Directory.CreateDirectory(parent);
            var partial = safe.ResolveNoFollow(PartialName(name));
            long total = 0;
            try
            {
                using (var output = new FileStream(partial, FileMode.Create, FileAccess.Write, FileShare.None, 1, FileOptions.SequentialScan))
                {
                    int n;
                    while ((n = input.Read(buffer, 0, buffer.Length)) > 0)
                    {
                        ct.ThrowIfCancellationRequested();
                        output.Write(buffer, 0, n);
                        total += n;
                    }
                }

                // Re-check just before the rename: nothing on the way may have become a link meanwhile.
                safe.ResolveNoFollow(name);
                if (new FileInfo(target).LinkTarget is not null)
                {
                    File.Delete(target);
                }

                File.Move(partial, target, overwrite: true);
            }
            catch (BackupFormatException e)
            {
                // The content went bad part-way (damaged in the vault, or a truncated or undecryptable
                // encrypted blob): this file only.
                TryDelete(partial);
                skipped.Add(new ExtractSkip(name, e.Message) { Kind = e.Error == BackupFormatError.CorruptBlob ? ExtractSkipKind.Damaged : ExtractSkipKind.Unreadable });
                return -1;
            }
            catch
            {
                TryDelete(partial);
                throw;
            }

            if (options.RestoreModificationTimes)
            {
                TrySetTime(target, entry.LastModified, directory: false);
            }

            return total;
        }
    }

    private static bool CreateLink(SafePath safe, LinkResolver links, BackupEntry entry, string name, string target, List<ExtractSkip> skipped)
    {
        var linkTarget = entry.SymlinkTarget;
        if (string.IsNullOrEmpty(linkTarget))
        {
            skipped.Add(new ExtractSkip(name, "the symbolic link has no target") { Kind = ExtractSkipKind.LinkTargetOutside });
            return false;
        }

        if (linkTarget.StartsWith('/') || linkTarget.StartsWith('\\') || (linkTarget.Length >= 2 && linkTarget[1] == ':') || linkTarget.Contains('\0', StringComparison.Ordinal))
        {
            skipped.Add(new ExtractSkip(name, $"the link points to the absolute device path '{linkTarget}', outside the extracted folder") { Kind = ExtractSkipKind.LinkTargetOutside });
            return false;
        }

        // Resolve the target as the kernel will, through the links already on disk; it must stay inside the link's domain folder.
        var domainRoot = new SafePath(safe.Resolve(entry.Domain));
        var refusal = links.Check(Path.GetDirectoryName(target)!, linkTarget, domainRoot);
        if (refusal is not null)
        {
            skipped.Add(new ExtractSkip(name, $"the link target '{linkTarget}' {refusal}") { Kind = ExtractSkipKind.LinkTargetOutside });
            return false;
        }

        if (Directory.Exists(target) && new DirectoryInfo(target).LinkTarget is null)
        {
            skipped.Add(new ExtractSkip(name, "a directory already exists at the link's path") { Kind = ExtractSkipKind.Conflict });
            return false;
        }

        if (links.IsPinned(target))
        {
            // Another link of this extract was resolved through (or is) this one: replacing it would change where that one points.
            skipped.Add(new ExtractSkip(name, "a link already made at this path is in use by another link") { Kind = ExtractSkipKind.Conflict });
            return false;
        }

        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        if (File.Exists(target) || new FileInfo(target).LinkTarget is not null)
        {
            File.Delete(target);
        }

        File.CreateSymbolicLink(target, linkTarget);
        links.Pin(target);
        return true;
    }

    /// <summary>The partial file's name: "name.keepsake-partial", or a short hidden name beside it when that would be too long.</summary>
    private static string PartialName(string name)
    {
        var slash = name.LastIndexOf('/');
        var last = name[(slash + 1)..];
        if (System.Text.Encoding.UTF8.GetByteCount(last) + PartialSuffix.Length <= MaxNameBytes)
        {
            return name + PartialSuffix;
        }

        var hash = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(last)))[..16];
        return $"{name[..(slash + 1)]}.{hash}{PartialSuffix}";
    }

    /// <summary>The byte length of the first path segment longer than a file name may be, or null.</summary>
    private static int? LongestSegment(string name)
    {
        foreach (var segment in name.Split('/'))
        {
            var bytes = System.Text.Encoding.UTF8.GetByteCount(segment);
            if (bytes > MaxNameBytes)
            {
                return bytes;
            }
        }

        return null;
    }

    private static bool IsNameTooLong(IOException exception)
    {
        // ENAMETOOLONG (36 on Linux, 63 on macOS), ERROR_FILENAME_EXCED_RANGE (206) on Windows.
        var code = exception.HResult & 0xFFFF;
        return code is 36 or 63 or 206;
    }

    private static void TrySetTime(string path, DateTimeOffset time, bool directory)
    {
        if (time <= DateTimeOffset.UnixEpoch)
        {
            return;
        }

        try
        {
            if (directory)
            {
                Directory.SetLastWriteTimeUtc(path, time.UtcDateTime);
            }
            else
            {
                File.SetLastWriteTimeUtc(path, time.UtcDateTime);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }
    }
}
