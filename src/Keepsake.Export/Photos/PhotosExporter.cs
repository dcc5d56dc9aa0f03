using System.Globalization;
using System.Text.RegularExpressions;
using Keepsake.BackupFormat;
using Keepsake.Export.Databases;
using Keepsake.Export.Messages;
using Keepsake.Primitives;

namespace Keepsake.Export.Photos;

/// <summary>
/// Exports the camera roll: every asset of Photos.sqlite (<c>ZASSET</c>, or <c>ZGENERICASSET</c> before
/// iOS 14) copied from CameraRollDomain <c>Media/&lt;ZDIRECTORY&gt;/&lt;ZFILENAME&gt;</c> under its original
/// name into <c>photos/</c> (or <c>albums/&lt;album&gt;/</c> too, by option), its modification time set to
/// the date taken, and an index table with favorite, hidden, trashed, size, place and albums.
/// See docs/design/exporters.md, "Photos".
/// </summary>
public sealed partial class PhotosExporter
{
    public const string Domain = "CameraRollDomain";

    public const string Path = "Media/PhotoData/Photos.sqlite";

    private static readonly string[] Columns = ["id", "file", "original_name", "kind", "date_created", "favorite", "hidden", "trashed", "width", "height", "duration_seconds", "latitude", "longitude", "albums", "exported_path", "missing_reason", "live_photo_video"];

    private readonly DatabaseFile _database;
    private readonly IBackupFileSource? _source;

    public PhotosExporter(DatabaseFile database, IBackupFileSource? source = null)
    {
        ArgumentNullException.ThrowIfNull(database);
        _database = database;
        _source = source;
        if (AssetTable is null)
        {
            throw new ExportException("has neither ZASSET nor ZGENERICASSET: not a Photos.sqlite", database.Description);
        }
    }

    private string? AssetTable => _database.Schema.HasTable("ZASSET") ? "ZASSET" : _database.Schema.HasTable("ZGENERICASSET") ? "ZGENERICASSET" : null;

    /// <summary>Copies the files and writes <c>photos-index.&lt;ext&gt;</c>.</summary>
    public async Task<PhotosExportResult> ExportAsync(string destination, TableFormat indexFormat = TableFormat.Csv, bool byAlbum = false, IProgress<ExportProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(destination);
        Directory.CreateDirectory(destination);
        var root = new SafePath(destination);
        var table = AssetTable!;
        var schema = _database.Schema;
        var albums = ReadAlbums();
        var hasExtra = schema.HasTable("ZADDITIONALASSETATTRIBUTES") && schema.HasColumn(table, "ZADDITIONALATTRIBUTES");
        using var command = _database.Connection.CreateCommand();
        command.CommandText = $"""
            SELECT a.Z_PK, {S(table, "ZDIRECTORY")}, {S(table, "ZFILENAME")}, {(hasExtra ? "x.ZORIGINALFILENAME" : "NULL")}, {S(table, "ZKIND")},
                   {S(table, "ZDATECREATED")}, {S(table, "ZFAVORITE")}, {S(table, "ZHIDDEN")}, {S(table, "ZTRASHEDSTATE")}, {S(table, "ZWIDTH")},
                   {S(table, "ZHEIGHT")}, {S(table, "ZDURATION")}, {S(table, "ZLATITUDE")}, {S(table, "ZLONGITUDE")}, {S(table, "ZKINDSUBTYPE")}
            FROM {table} a {(hasExtra ? "LEFT JOIN ZADDITIONALASSETATTRIBUTES x ON x.Z_PK = a.ZADDITIONALATTRIBUTES" : string.Empty)}
            ORDER BY a.ZDATECREATED, a.Z_PK
            """;
        using var index = new TableWriter(root.ResolveNoFollow($"photos-index.{TableWriter.Extension(indexFormat)}"), indexFormat, "Photos", Columns);
        using var reader = command.ExecuteReader();
        int copied = 0, missing = 0;
        var used = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        while (reader.Read())
        {
            cancellationToken.ThrowIfCancellationRequested();
            var id = reader.GetInt64(0);
            var directory = MessageReader.Text(reader, 1);
            var fileName = MessageReader.Text(reader, 2);
            var original = MessageReader.Text(reader, 3) ?? fileName;
            var created = AppleTime.FromCoreData(MessageReader.Double(reader, 5));
            var assetAlbums = albums.GetValueOrDefault(id) ?? [];
            string? exported = null, reason = null, liveVideo = null;
            if (fileName is null)
            {
                reason = "no file name recorded";
            }
            else if (_source is null)
            {
                reason = "loose database: files are not available";
            }
            else
            {
                var entry = _source.FindEntry(Domain, $"Media/{directory}/{fileName}");
                if (entry is not { Kind: BackupEntryKind.File })
                {
                    reason = "not in the backup (iCloud-optimised or offloaded)";
                }
                else
                {
                    var name = ExportFiles.SafeSegment(original, $"asset-{id}", 120);
                    if (!used.Add(name))
                    {
                        name = $"{id}-{name}";
                        used.Add(name);
                    }

                    exported = $"photos/{name}";
                    try
                    {
                        await CopyAsync(root, entry, exported, created, cancellationToken).ConfigureAwait(false);

                        // A Live Photo (ZKINDSUBTYPE 2) keeps its video beside the picture, under the same name with .MOV.
                        var video = MessageReader.Long(reader, 14) == 2 ? _source.FindEntry(Domain, $"Media/{directory}/{System.IO.Path.ChangeExtension(fileName, ".MOV")}") : null;
                        var videoName = video is { Kind: BackupEntryKind.File } ? System.IO.Path.ChangeExtension(name, ".MOV") : null;
                        if (videoName is not null)
                        {
                            liveVideo = $"photos/{videoName}";
                            await CopyAsync(root, video!, liveVideo, created, cancellationToken).ConfigureAwait(false);
                        }

                        if (byAlbum)
                        {
                            foreach (var album in assetAlbums)
                            {
                                var folder = $"albums/{ExportFiles.SafeSegment(album, "album", 60)}";
                                await CopyAsync(root, entry, $"{folder}/{name}", created, cancellationToken).ConfigureAwait(false);
                                if (videoName is not null)
                                {
                                    await CopyAsync(root, video!, $"{folder}/{videoName}", created, cancellationToken).ConfigureAwait(false);
                                }
                            }
                        }

                        copied++;
                    }
                    catch (BackupFormatException ex) when (ex.Error == BackupFormatError.MissingBlob)
                    {
                        (exported, reason) = (null, "listed in the backup but its file is absent");
                    }
                }
            }

            if (reason is not null)
            {
                missing++;
            }

            index.Write(id, directory is null ? fileName : $"{directory}/{fileName}", original, MessageReader.Long(reader, 4) == 1 ? "video" : "photo", created,
                MessageReader.Long(reader, 6) != 0, MessageReader.Long(reader, 7) != 0, MessageReader.Long(reader, 8) != 0,
                reader.IsDBNull(9) ? null : MessageReader.Long(reader, 9), reader.IsDBNull(10) ? null : MessageReader.Long(reader, 10),
                Finite(MessageReader.Double(reader, 11)), Coordinate(MessageReader.Double(reader, 12)), Coordinate(MessageReader.Double(reader, 13)),
                string.Join("; ", assetAlbums), exported, reason, liveVideo);
            progress?.Report(new ExportProgress("photos", index.Rows, null, original));
        }

        index.Commit();
        return new PhotosExportResult(index.Rows, copied, missing);
    }

    private static double? Finite(double value) => double.IsFinite(value) ? value : null;

    private static double? Coordinate(double value) => double.IsFinite(value) && value > -180 ? value : null;

    private async Task CopyAsync(SafePath root, BackupEntry entry, string relative, DateTimeOffset? created, CancellationToken cancellationToken)
    {
        var target = root.ResolveNoFollow(relative);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(target)!);
        if (!File.Exists(target) || new FileInfo(target).Length != entry.Size)
        {
            var partial = target + ".partial";
            try
            {
                ExportFiles.TryDelete(partial);
                await DatabaseFile.CopyEntryAsync(_source!, entry, partial, cancellationToken).ConfigureAwait(false);
                ExportFiles.Commit(partial, target);
            }
            catch
            {
                ExportFiles.TryDelete(partial);
                throw;
            }
        }

        if (created is { } c)
        {
            File.SetLastWriteTimeUtc(target, c.UtcDateTime);
        }
    }

    /// <summary>Asset Z_PK → album titles, through the version-numbered join table <c>Z_&lt;n&gt;ASSETS</c>.</summary>
    private Dictionary<long, List<string>> ReadAlbums()
    {
        var result = new Dictionary<long, List<string>>();
        var schema = _database.Schema;
        if (!schema.HasTable("ZGENERICALBUM"))
        {
            return result;
        }

        foreach (var table in schema.Tables.Where(t => JoinTable().IsMatch(t)))
        {
            var columns = schema.Columns(table);
            var albumColumn = columns.FirstOrDefault(c => c.EndsWith("ALBUMS", StringComparison.OrdinalIgnoreCase));
            var assetColumn = columns.FirstOrDefault(c => c.EndsWith("ASSETS", StringComparison.OrdinalIgnoreCase) && !c.StartsWith("Z_FOK", StringComparison.OrdinalIgnoreCase));
            if (albumColumn is null || assetColumn is null)
            {
                continue;
            }

            using var command = _database.Connection.CreateCommand();
            command.CommandText = $"SELECT j.\"{assetColumn}\", al.ZTITLE FROM \"{table}\" j JOIN ZGENERICALBUM al ON al.Z_PK = j.\"{albumColumn}\" WHERE al.ZTITLE IS NOT NULL";
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                var asset = reader.GetInt64(0);
                if (!result.TryGetValue(asset, out var list))
                {
                    result[asset] = list = [];
                }

                list.Add(reader.GetString(1));
            }
        }

        return result;
    }

    private string S(string table, string column) => _database.Schema.Select(table, "a", column);

    [GeneratedRegex("^Z_[0-9]+ASSETS$", RegexOptions.CultureInvariant)]
    private static partial Regex JoinTable();
}
