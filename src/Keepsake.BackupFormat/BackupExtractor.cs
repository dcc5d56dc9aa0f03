using Keepsake.Primitives;

namespace Keepsake.BackupFormat;

/// <summary>
/// Copies a backup's entries out as ordinary files, laid out as <c>DEST/domain/relativePath</c>.
/// Every output path goes through <see cref="SafePath.ResolveNoFollow"/>: Manifest paths with
/// <c>..</c>, absolute paths, or symbolic links pointing out never cause a write outside DEST; such
/// entries are skipped and reported. Each file is written to <c>name.keepsake-partial</c> and renamed
/// when complete. Missing blobs are collected, not fatal; a blob that fails to decrypt raises
/// <see cref="BackupFormatException"/> (its partial file removed).
/// </summary>
public static class BackupExtractor
{
    /// <summary>The suffix of a file being written.</summary>
    public const string PartialSuffix = ".keepsake-partial";

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
                        if (CreateLink(safe, entry, name, target, skipped))
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

        using (input)
        {
            var parent = Path.GetDirectoryName(target)!;
            Directory.CreateDirectory(parent);
            var partial = safe.ResolveNoFollow(name + PartialSuffix);
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
            catch (BackupFormatException e) when (e.Error == BackupFormatError.CorruptBlob)
            {
                TryDelete(partial);
                skipped.Add(new ExtractSkip(name, e.Message) { Kind = ExtractSkipKind.Damaged });
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

    private static bool CreateLink(SafePath safe, BackupEntry entry, string name, string target, List<ExtractSkip> skipped)
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

        // Resolve the relative target from the link's folder; it must stay inside the link's domain folder.
        var domainRoot = safe.Resolve(entry.Domain);
        var resolved = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(target)!, linkTarget));
        var domainSafe = new SafePath(domainRoot);
        if (!domainSafe.IsInside(resolved))
        {
            skipped.Add(new ExtractSkip(name, $"the link target '{linkTarget}' leaves the domain folder") { Kind = ExtractSkipKind.LinkTargetOutside });
            return false;
        }

        if (Directory.Exists(target) && new DirectoryInfo(target).LinkTarget is null)
        {
            skipped.Add(new ExtractSkip(name, "a directory already exists at the link's path") { Kind = ExtractSkipKind.Conflict });
            return false;
        }

        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        if (File.Exists(target) || new FileInfo(target).LinkTarget is not null)
        {
            File.Delete(target);
        }

        File.CreateSymbolicLink(target, linkTarget);
        return true;
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
