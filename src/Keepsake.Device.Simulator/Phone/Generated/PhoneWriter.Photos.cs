using System.Globalization;

namespace Keepsake.Device.Simulator.Phone.Generated;

/// <summary>The camera roll (Media/DCIM) and Photos.sqlite in the iOS 17 layout (the tables and columns the Photos app's readers use).</summary>
internal sealed partial class PhoneWriter
{
    public const string PhotosPath = "Media/PhotoData/Photos.sqlite";

    /// <summary>
    /// The part of iOS 17's Photos.sqlite the generator fills: assets, their additional attributes, albums and the
    /// album-membership join table (Z_33ASSETS on iOS 17; the number changes with every model version).
    /// </summary>
    private const string PhotosSchema = """
        CREATE TABLE Z_PRIMARYKEY (Z_ENT INTEGER PRIMARY KEY, Z_NAME VARCHAR, Z_SUPER INTEGER, Z_MAX INTEGER);
        CREATE TABLE Z_METADATA (Z_VERSION INTEGER PRIMARY KEY, Z_UUID VARCHAR(255), Z_PLIST BLOB);
        CREATE TABLE ZASSET (Z_PK INTEGER PRIMARY KEY, Z_ENT INTEGER, Z_OPT INTEGER, ZAVALANCHEPICKTYPE INTEGER, ZCLOUDLOCALSTATE INTEGER, ZCOMPLETE INTEGER, ZFAVORITE INTEGER, ZHASADJUSTMENTS INTEGER, ZHEIGHT INTEGER, ZHIDDEN INTEGER, ZKIND INTEGER, ZKINDSUBTYPE INTEGER, ZORIENTATION INTEGER, ZPLAYBACKSTYLE INTEGER, ZSAVEDASSETTYPE INTEGER, ZTRASHEDSTATE INTEGER, ZVISIBILITYSTATE INTEGER, ZWIDTH INTEGER, ZADDITIONALATTRIBUTES INTEGER, ZEXTENDEDATTRIBUTES INTEGER, ZADDEDDATE TIMESTAMP, ZDATECREATED TIMESTAMP, ZDURATION FLOAT, ZLATITUDE FLOAT, ZLONGITUDE FLOAT, ZMODIFICATIONDATE TIMESTAMP, ZTRASHEDDATE TIMESTAMP, ZCLOUDASSETGUID VARCHAR, ZDIRECTORY VARCHAR, ZFILENAME VARCHAR, ZMEDIAGROUPUUID VARCHAR, ZUNIFORMTYPEIDENTIFIER VARCHAR, ZUUID VARCHAR);
        CREATE TABLE ZADDITIONALASSETATTRIBUTES (Z_PK INTEGER PRIMARY KEY, Z_ENT INTEGER, Z_OPT INTEGER, ZORIGINALHEIGHT INTEGER, ZORIGINALWIDTH INTEGER, ZTIMEZONEOFFSET INTEGER, ZASSET INTEGER, ZORIGINALFILESIZE INTEGER, ZEXIFTIMESTAMPSTRING VARCHAR, ZORIGINALFILENAME VARCHAR, ZTIMEZONENAME VARCHAR);
        CREATE TABLE ZGENERICALBUM (Z_PK INTEGER PRIMARY KEY, Z_ENT INTEGER, Z_OPT INTEGER, ZCACHEDCOUNT INTEGER, ZCACHEDPHOTOSCOUNT INTEGER, ZCACHEDVIDEOSCOUNT INTEGER, ZKIND INTEGER, ZTRASHEDSTATE INTEGER, ZPARENTFOLDER INTEGER, ZCREATIONDATE TIMESTAMP, ZTITLE VARCHAR, ZUUID VARCHAR);
        CREATE TABLE Z_33ASSETS (Z_33ALBUMS INTEGER, Z_3ASSETS INTEGER, Z_FOK_3ASSETS INTEGER, PRIMARY KEY (Z_33ALBUMS, Z_3ASSETS));
        CREATE INDEX ZASSET_ZDATECREATED_INDEX ON ZASSET (ZDATECREATED);
        CREATE INDEX Z_33ASSETS_Z_3ASSETS_INDEX ON Z_33ASSETS (Z_3ASSETS, Z_33ALBUMS);
        """;

    private void WritePhotos()
    {
        foreach (var asset in plan.Assets)
        {
            Media(CameraRoll, asset.RelativePath, asset.Kind, asset.Size, asset.Taken, asset.Latitude, asset.Longitude, plan.FileSeed("asset", asset.Id));
            if (asset.LivePhotoVideo is { } video)
            {
                Media(CameraRoll, $"Media/{asset.Directory}/{video}", GeneratedMediaKind.Mov, asset.LivePhotoVideoSize, asset.Taken, asset.Latitude, asset.Longitude, plan.FileSeed("live", asset.Id));
            }
        }

        Database(CameraRoll, PhotosPath, null, plan.Now, db =>
        {
            Exec(db, PhotosSchema);
            using var insertAsset = Insert(db, "ZASSET", "Z_PK", "Z_ENT", "Z_OPT", "ZCOMPLETE", "ZFAVORITE", "ZHEIGHT", "ZHIDDEN", "ZKIND", "ZKINDSUBTYPE", "ZORIENTATION", "ZPLAYBACKSTYLE", "ZSAVEDASSETTYPE", "ZTRASHEDSTATE", "ZVISIBILITYSTATE", "ZWIDTH",
                "ZADDITIONALATTRIBUTES", "ZADDEDDATE", "ZDATECREATED", "ZDURATION", "ZLATITUDE", "ZLONGITUDE", "ZMODIFICATIONDATE", "ZDIRECTORY", "ZFILENAME", "ZMEDIAGROUPUUID", "ZUNIFORMTYPEIDENTIFIER", "ZUUID");
            using var insertExtra = Insert(db, "ZADDITIONALASSETATTRIBUTES", "Z_PK", "Z_ENT", "Z_OPT", "ZORIGINALHEIGHT", "ZORIGINALWIDTH", "ZTIMEZONEOFFSET", "ZASSET", "ZORIGINALFILESIZE", "ZEXIFTIMESTAMPSTRING", "ZORIGINALFILENAME", "ZTIMEZONENAME");
            foreach (var a in plan.Assets)
            {
                var taken = AppleSeconds(a.Taken);
                var size = new FileInfo(FullPath(CameraRoll, a.RelativePath)).Length;
                var (width, height) = a.IsVideo ? (320, 240) : (640, 480);
                var uti = a.Kind switch { GeneratedMediaKind.Mov => "com.apple.quicktime-movie", GeneratedMediaKind.Heic => "public.heic", _ => "public.jpeg" };
                var uuid = string.Create(CultureInfo.InvariantCulture, $"{a.Id:X8}-0000-4000-8000-{(uint)plan.Profile.Seed:X12}");
                Row(insertAsset, a.Id, 3, 1, 1, a.Favorite ? 1 : 0, height, a.Hidden ? 1 : 0, a.IsVideo ? 1 : 0, a.LivePhotoVideo is null ? 0 : 2, 1, a.IsVideo ? 4 : a.LivePhotoVideo is null ? 1 : 3, 3, 0, 0, width,
                    a.Id, taken, taken, a.IsVideo ? 1.5 : 0.0, a.Latitude, a.Longitude, taken, a.Directory, a.FileName, a.LivePhotoVideo is null ? null : uuid, uti, uuid);
                Row(insertExtra, a.Id, 1, 1, height, width, 0, a.Id, size, a.Taken.UtcDateTime.ToString("yyyy:MM:dd HH:mm:ss", CultureInfo.InvariantCulture), a.FileName, "GMT");
            }

            using var insertAlbum = Insert(db, "ZGENERICALBUM", "Z_PK", "Z_ENT", "Z_OPT", "ZCACHEDCOUNT", "ZKIND", "ZTRASHEDSTATE", "ZCREATIONDATE", "ZTITLE", "ZUUID");
            using var insertMember = Insert(db, "Z_33ASSETS", "Z_33ALBUMS", "Z_3ASSETS", "Z_FOK_3ASSETS");
            for (var i = 0; i < plan.Albums.Count; i++)
            {
                var title = plan.Albums[i];
                var albumId = i + 1;
                var members = plan.Assets.Where(a => a.Albums.Contains(title)).ToList();
                Row(insertAlbum, albumId, 33, 1, members.Count, 2, 0, AppleSeconds(PhonePlan.BaseNow.AddYears(-4)), title, $"{albumId:X8}-0000-4000-8000-00000000A1B0");
                for (var k = 0; k < members.Count; k++)
                {
                    Row(insertMember, albumId, members[k].Id, 1024 * (k + 1));
                }
            }

            Exec(db, $"INSERT INTO Z_PRIMARYKEY VALUES (1, 'AdditionalAssetAttributes', 0, {plan.Assets.Count}), (3, 'Asset', 0, {plan.Assets.Count}), (33, 'Album', 0, {plan.Albums.Count})");
        });
    }
}
