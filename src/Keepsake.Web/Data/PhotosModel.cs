using Keepsake.Export;
using Keepsake.Export.Photos;

namespace Keepsake.Web.Data;

/// <summary>
/// The camera roll of a snapshot: Photos.sqlite's assets (with albums), or, when a backup has no
/// Photos.sqlite, the DCIM files dated by their modification time, as the photos export falls back.
/// </summary>
public static class PhotosModel
{
    public static async Task<IReadOnlyList<PhotoAsset>> AssetsAsync(SnapshotView view, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(view);
        await view.Gate.WaitAsync(cancellationToken);
        try
        {
            if (view.CachedAssets is { } cached)
            {
                return cached;
            }

            var database = await view.PhotosDatabaseAsync(cancellationToken);
            var assets = database is null ? FromCameraRoll(view) : FromDatabase(database);
            view.CachedAssets = assets;
            return assets;
        }
        finally
        {
            view.Gate.Release();
        }
    }

    /// <summary>The asset <paramref name="id"/> and its backup file.</summary>
    /// <exception cref="WebException">404 when the asset or its file is absent.</exception>
    public static async Task<(PhotoAsset Asset, BackupFormat.BackupEntry Entry)> FindAsync(SnapshotView view, long id, CancellationToken cancellationToken = default)
    {
        var asset = (await AssetsAsync(view, cancellationToken)).FirstOrDefault(a => a.Id == id) ?? throw new WebException(404, "This backup has no such photo.");
        var entry = view.Source.FindEntry(PhotosExporter.Domain, asset.RelativePath) ?? throw new WebException(404, "This photo's file is not in the backup.");
        return (asset, entry);
    }

    private static List<PhotoAsset> FromDatabase(Export.Databases.DatabaseFile database)
    {
        var schema = database.Schema;
        var table = schema.HasTable("ZASSET") ? "ZASSET" : schema.HasTable("ZGENERICASSET") ? "ZGENERICASSET" : null;
        if (table is null)
        {
            return [];
        }

        var albums = ReadAlbums(database, table);
        string Col(string column) => schema.HasColumn(table, column) ? "a." + column : "NULL";
        using var command = database.Connection.CreateCommand();
        command.CommandText = $"SELECT a.Z_PK, {Col("ZDIRECTORY")}, {Col("ZFILENAME")}, {Col("ZDATECREATED")}, {Col("ZKIND")}, {Col("ZHIDDEN")}, {Col("ZTRASHEDSTATE")} FROM {table} a ORDER BY {Col("ZDATECREATED")}, a.Z_PK";
        using var rows = command.ExecuteReader();
        var result = new List<PhotoAsset>();
        while (rows.Read())
        {
            if (rows.IsDBNull(2) || (!rows.IsDBNull(6) && rows.GetInt64(6) != 0))
            {
                continue;
            }

            var directory = rows.IsDBNull(1) ? "DCIM" : rows.GetString(1);
            var file = rows.GetString(2);
            var id = rows.GetInt64(0);
            result.Add(new PhotoAsset(
                id, $"Media/{directory}/{file}", file,
                rows.IsDBNull(3) ? null : AppleTime.FromCoreData(rows.GetDouble(3)),
                !rows.IsDBNull(4) && rows.GetInt64(4) == 1,
                !rows.IsDBNull(5) && rows.GetInt64(5) != 0,
                albums.GetValueOrDefault(id) ?? []));
        }

        return result;
    }

    /// <summary>Album titles per asset, from the albums' many-to-many table (named Z_&lt;n&gt;ASSETS by Core Data).</summary>
    private static Dictionary<long, List<string>> ReadAlbums(Export.Databases.DatabaseFile database, string assetTable)
    {
        var result = new Dictionary<long, List<string>>();
        var schema = database.Schema;
        if (!schema.HasTable("ZGENERICALBUM"))
        {
            return result;
        }

        using var tables = database.Connection.CreateCommand();
        tables.CommandText = "SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'Z\\_%ASSETS' ESCAPE '\\'";
        var joins = new List<string>();
        using (var rows = tables.ExecuteReader())
        {
            while (rows.Read())
            {
                joins.Add(rows.GetString(0));
            }
        }

        foreach (var join in joins)
        {
            var columns = schema.Columns(join).ToList();
            var album = columns.FirstOrDefault(c => c.EndsWith("ALBUMS", StringComparison.Ordinal));
            var asset = columns.FirstOrDefault(c => c.EndsWith(assetTable == "ZASSET" ? "ASSETS" : "ASSETS", StringComparison.Ordinal) && !c.Contains("FOK", StringComparison.Ordinal));
            if (album is null || asset is null)
            {
                continue;
            }

            using var command = database.Connection.CreateCommand();
            command.CommandText = $"SELECT j.{asset}, g.ZTITLE FROM {join} j JOIN ZGENERICALBUM g ON g.Z_PK = j.{album} WHERE g.ZTITLE IS NOT NULL";
            using var rows = command.ExecuteReader();
            while (rows.Read())
            {
                var id = rows.GetInt64(0);
                if (!result.TryGetValue(id, out var list))
                {
                    result[id] = list = [];
                }

                list.Add(rows.GetString(1));
            }
        }

        return result;
    }

    private static List<PhotoAsset> FromCameraRoll(SnapshotView view)
    {
        var result = new List<PhotoAsset>();
        long id = 0;
        foreach (var entry in view.Source.Entries(PhotosExporter.Domain, CameraRollExporter.Folder))
        {
            if (entry.Kind != BackupFormat.BackupEntryKind.File)
            {
                continue;
            }

            var name = Path.GetFileName(entry.RelativePath);
            var extension = Path.GetExtension(name).ToUpperInvariant();
            if (extension is not (".JPG" or ".JPEG" or ".HEIC" or ".PNG" or ".MOV" or ".MP4" or ".GIF"))
            {
                continue;
            }

            result.Add(new PhotoAsset(++id, entry.RelativePath, name, entry.LastModified, extension is ".MOV" or ".MP4", false, []));
        }

        return [.. result.OrderBy(a => a.Taken)];
    }
}
