using Keepsake.BackupFormat;
using Keepsake.BackupFormat.Keybag;
using Keepsake.BackupFormat.Manifest;
using Keepsake.Export.Messages.TypedStream;
using Keepsake.Export.Notes;
using Keepsake.Plist;
using Keepsake.Repository;
using Keepsake.Repository.Index;
using Keepsake.Repository.Packs;
using Keepsake.Repository.Trees;

namespace Keepsake.Fuzz;

/// <summary>
/// One fuzz target per reader of untrusted bytes. A target may fail only with the reader's typed
/// error (a <see cref="FormatException"/> or <see cref="InvalidDataException"/> subclass naming what
/// and where); any other exception escapes and afl++ records the input as a crash.
/// </summary>
internal static class FuzzTargets
{
    public static readonly IReadOnlyDictionary<string, Action<byte[]>> All = new Dictionary<string, Action<byte[]>>(StringComparer.Ordinal)
    {
        ["plist"] = data => PlistReader.Read(data),
        ["keyed-archive"] = data => KeyedArchive.Decode(data),
        ["manifest-db"] = ManifestDb,
        ["mbdb"] = data =>
        {
            using var reader = new ManifestMbdbReader(new MemoryStream(data));
            foreach (var _ in reader.ReadEntries())
            {
            }
        },
        ["keybag"] = data => BackupKeybag.Parse(data),
        ["typedstream"] = data => TypedStreamReader.ReadAll(data),
        ["notes-protobuf"] = data => NoteDocument.Decode(data),
        ["pack-header"] = data => PackHeader.Decode(data, default),
        ["tree"] = data => TreeJson.Parse(data, default),
        ["index"] = data => IndexFile.Parse("fuzz", data),
    };

    /// <summary>The typed errors a reader may raise on bad input.</summary>
    public static bool IsTyped(Exception exception) => exception is FormatException or InvalidDataException or RepositoryCorruptedException;

    /// <summary>Runs <paramref name="target"/> on one input; typed errors are the expected outcome of bad input.</summary>
    public static void Run(string target, byte[] data)
    {
        try
        {
            All[target](data);
        }
        catch (Exception e) when (IsTyped(e))
        {
        }
    }

    private static void ManifestDb(byte[] data)
    {
        // SQLite reads files: the input goes to a private temporary file, deleted after.
        var path = Path.Combine(Path.GetTempPath(), $"keepsake-fuzz-{Environment.ProcessId}.db");
        File.WriteAllBytes(path, data);
        try
        {
            using var reader = new ManifestDbReader(path);
            foreach (var _ in reader.Entries())
            {
            }

            reader.Find("HomeDomain", "Library/SMS/sms.db");
        }
        finally
        {
            File.Delete(path);
        }
    }
}
