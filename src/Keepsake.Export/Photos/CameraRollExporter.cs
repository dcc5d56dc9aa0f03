using Keepsake.BackupFormat;
using Keepsake.Export.Databases;
using Keepsake.Primitives;

namespace Keepsake.Export.Photos;

/// <summary>
/// Exports the camera roll without Photos.sqlite (absent or unreadable): every file under CameraRollDomain
/// <c>Media/DCIM/</c> is copied to <c>photos/</c>, dated from its own metadata (<see cref="MediaDate"/>),
/// else from the backup's modification time. A Live Photo's picture and video share a name and so stay
/// side by side. The index says where each date came from and why the database was not used.
/// </summary>
public static class CameraRollExporter
{
    public const string Folder = "Media/DCIM/";

    private static readonly string[] Columns = ["file", "kind", "date_created", "date_source", "size", "exported_path", "missing_reason", "note"];
    private static readonly HashSet<string> VideoExtensions = new(StringComparer.OrdinalIgnoreCase) { ".mov", ".mp4", ".m4v" };

    public static async Task<PhotosExportResult> ExportAsync(IBackupFileSource source, string destination, TableFormat indexFormat, string reason, IProgress<ExportProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentException.ThrowIfNullOrEmpty(destination);
        ArgumentNullException.ThrowIfNull(reason);
        var entries = source.Entries(PhotosExporter.Domain, Folder).Where(e => e.Kind == BackupEntryKind.File).OrderBy(e => e.RelativePath, StringComparer.Ordinal).ToList();
        if (entries.Count == 0)
        {
            throw new NoDataException(ExportKind.Photos, "photo", $"{PhotosExporter.Domain}/{PhotosExporter.Path} and {PhotosExporter.Domain}/{Folder}");
        }

        Directory.CreateDirectory(destination);
        var root = new SafePath(destination);
        using var index = new TableWriter(root.ResolveNoFollow($"photos-index.{TableWriter.Extension(indexFormat)}"), indexFormat, "Photos (from the camera-roll files: " + reason + ")", Columns);
        var used = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var baseNames = entries.GroupBy(e => System.IO.Path.ChangeExtension(e.RelativePath, null), StringComparer.OrdinalIgnoreCase).ToDictionary(g => g.Key, g => g.Count(), StringComparer.OrdinalIgnoreCase);
        int copied = 0, missing = 0;
        foreach (var entry in entries)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var fileName = System.IO.Path.GetFileName(entry.RelativePath);
            var name = ExportFiles.SafeSegment(fileName, "file", 120);
            if (!used.Add(name))
            {
                name = ExportFiles.SafeSegment(entry.RelativePath[Folder.Length..].Replace('/', '-'), "file", 120);
                used.Add(name);
            }

            var relative = $"photos/{name}";
            var target = root.ResolveNoFollow(relative);
            var partial = target + ".partial";
            DateTimeOffset? taken = null;
            string? exported = null, missingReason = null;
            try
            {
                Directory.CreateDirectory(System.IO.Path.GetDirectoryName(target)!);
                ExportFiles.TryDelete(partial);
                await DatabaseFile.CopyEntryAsync(source, entry, partial, cancellationToken).ConfigureAwait(false);
                using (var copy = File.OpenRead(partial))
                {
                    taken = MediaDate.Read(copy);
                }

                ExportFiles.Commit(partial, target);
                exported = relative;
                copied++;
            }
            catch (BackupFormatException ex) when (ex.Error == BackupFormatError.MissingBlob)
            {
                ExportFiles.TryDelete(partial);
                missingReason = "listed in the backup but its file is absent";
                missing++;
            }
            catch
            {
                ExportFiles.TryDelete(partial);
                throw;
            }

            var dateSource = taken is null ? "file modification time" : "embedded metadata";
            var date = taken ?? entry.LastModified;
            if (exported is not null && date.Year >= 1970)
            {
                File.SetLastWriteTimeUtc(target, date.UtcDateTime);
            }

            var kind = VideoExtensions.Contains(System.IO.Path.GetExtension(fileName)) ? "video" : "photo";
            var pair = baseNames[System.IO.Path.ChangeExtension(entry.RelativePath, null)] > 1 ? "Live Photo pair (same name)" : null;
            index.Write(entry.RelativePath, kind, date, dateSource, entry.Size, exported, missingReason, pair);
            progress?.Report(new ExportProgress("photos", index.Rows, entries.Count, fileName));
        }

        index.Commit();
        return new PhotosExportResult(index.Rows, copied, missing);
    }
}
