using Keepsake.BackupFormat;
using Keepsake.Export.Messages;
using Keepsake.Plist;

namespace Keepsake.Export.Storage;

/// <summary>
/// What takes space in a backup (<c>keepsake storage SOURCE</c>): bytes and files by domain, by app
/// (AppDomain-, AppDomainGroup- and AppDomainPlugin- domains folded onto the bundle id), the largest
/// files, the largest videos anywhere in the backup (camera roll, Messages, apps), and the largest
/// Messages attachments with their conversation and date (the "Large Attachments" view). Sizes are
/// the Manifest's recorded sizes. Entries stream; only the aggregates and the top-N lists are held.
/// </summary>
public sealed class StorageReport
{
    public required IReadOnlyList<StorageItem> ByDomain { get; init; }

    /// <summary>Bytes and files by app bundle id; an item's detail is the app's name when the backup's Info.plist gives it.</summary>
    public required IReadOnlyList<StorageItem> ByApp { get; init; }

    /// <summary>Bytes and files by what they are (<see cref="BackupCategory"/>: photos, messages, apps...), largest first.</summary>
    public IReadOnlyList<StorageItem> ByCategory { get; init; } = [];

    public required IReadOnlyList<StorageItem> LargestFiles { get; init; }

    public required IReadOnlyList<StorageItem> LargestAttachments { get; init; }

    /// <summary>The largest video files (by extension: .mov, .mp4, .m4v, .3gp, .avi, .mkv, .webm), with their domain.</summary>
    public required IReadOnlyList<StorageItem> LargestVideos { get; init; }

    public long TotalBytes { get; init; }

    public long TotalFiles { get; init; }

    /// <summary>Builds the report; <paramref name="top"/> limits the largest-files and largest-attachments lists.</summary>
    public static async Task<StorageReport> BuildAsync(IBackupFileSource source, int top = 20, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(top);
        var domains = new Dictionary<string, (long Bytes, long Files)>(StringComparer.Ordinal);
        var apps = new Dictionary<string, (long Bytes, long Files)>(StringComparer.Ordinal);
        var categories = new Dictionary<string, (long Bytes, long Files)>(StringComparer.Ordinal);
        var largest = new PriorityQueue<StorageItem, long>();
        var videos = new PriorityQueue<StorageItem, long>();
        long total = 0, files = 0;
        foreach (var entry in source.Entries())
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (entry.Kind != BackupEntryKind.File)
            {
                continue;
            }

            total += entry.Size;
            files++;
            Add(domains, entry.Domain, entry.Size);
            Add(categories, BackupCategories.Of(entry.Domain, entry.RelativePath).ToString().ToLowerInvariant(), entry.Size);
            if (AppOf(entry.Domain) is { } app)
            {
                Add(apps, app, entry.Size);
            }

            KeepTop(largest, new StorageItem($"{entry.Domain}/{entry.RelativePath}", entry.Size, 1, entry.LastModified), top);
            if (IsVideo(entry.RelativePath))
            {
                KeepTop(videos, new StorageItem(entry.RelativePath, entry.Size, 1, entry.LastModified, entry.Domain), top);
            }
        }

        return new StorageReport
        {
            ByDomain = Sorted(domains),
            ByApp = [.. Sorted(apps).Select(a => a with { Detail = AppName(source.Properties.InfoPlist, a.Name) })],
            ByCategory = Sorted(categories),
            LargestFiles = Drain(largest),
            LargestAttachments = await LargestAttachmentsAsync(source, top, cancellationToken).ConfigureAwait(false),
            LargestVideos = Drain(videos),
            TotalBytes = total,
            TotalFiles = files,
        };
    }

    /// <summary>
    /// App lines with the app's name as their detail: the <c>itemName</c> of its <c>iTunesMetadata</c> in Info.plist's
    /// <c>Applications</c> (written by Finder, idevicebackup2 and Keepsake for App Store apps).
    /// </summary>
    /// <summary>The app bundle id of an app domain (<c>AppDomain-com.example.App</c> → <c>com.example.App</c>), or null.</summary>
    public static string? AppOf(string domain)
    {
        ArgumentNullException.ThrowIfNull(domain);
        foreach (var prefix in new[] { "AppDomainGroup-group.", "AppDomainGroup-", "AppDomainPlugin-", "AppDomain-" })
        {
            if (domain.StartsWith(prefix, StringComparison.Ordinal))
            {
                return domain[prefix.Length..];
            }
        }

        return null;
    }

    /// <summary>
    /// The app's name from the backup's Info.plist: <c>Applications/&lt;bundle id&gt;/iTunesMetadata</c> (a plist whose
    /// <c>itemName</c> is the App Store name), or null when the backup does not say or the metadata cannot be read.
    /// </summary>
    public static string? AppName(Keepsake.Plist.PlistDictionary? infoPlist, string bundleId)
    {
        try
        {
            if (infoPlist?.GetDictionary("Applications")?.GetDictionary(bundleId)?.GetData("iTunesMetadata") is not { Length: > 0 } metadata)
            {
                return null;
            }

            return Keepsake.Plist.PlistReader.Read(metadata) is Keepsake.Plist.PlistDictionary d
                ? d.GetString("itemName") ?? d.GetString("bundleDisplayName")
                : null;
        }
        catch (Exception e) when (e is Keepsake.Plist.PlistFormatException or InvalidCastException)
        {
            // A damaged entry: that app is shown by its bundle id alone.
            return null;
        }
    }

    private static async Task<IReadOnlyList<StorageItem>> LargestAttachmentsAsync(IBackupFileSource source, int top, CancellationToken cancellationToken)
    {
        MessagesDatabase database;
        try
        {
            database = await MessagesDatabase.OpenAsync(source, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is ExportException or NoDataException)
        {
            return [];
        }

        using (database)
        {
            var schema = database.File.Schema;
            if (!schema.HasTable("attachment"))
            {
                return [];
            }

            var hasJoin = schema.HasTable("message_attachment_join") && schema.HasTable("chat_message_join") && schema.HasTable("chat");
            using var command = database.File.Connection.CreateCommand();
            command.CommandText = $"""
                SELECT a.ROWID, {schema.Select("attachment", "a", "filename")}, {schema.Select("attachment", "a", "transfer_name")}, {schema.Select("attachment", "a", "total_bytes")},
                       {schema.Select("attachment", "a", "created_date")}, {schema.Select("attachment", "a", "mime_type")},
                       {(hasJoin ? "(SELECT COALESCE(NULLIF(c.display_name, ''), c.chat_identifier) FROM message_attachment_join j JOIN chat_message_join cm ON cm.message_id = j.message_id JOIN chat c ON c.ROWID = cm.chat_id WHERE j.attachment_id = a.ROWID LIMIT 1)" : "NULL")}
                FROM attachment a ORDER BY {(schema.HasColumn("attachment", "total_bytes") ? "a.total_bytes DESC, " : string.Empty)}a.ROWID LIMIT $top
                """;
            command.Parameters.AddWithValue("$top", top);
            using var reader = command.ExecuteReader();
            var result = new List<StorageItem>();
            while (reader.Read())
            {
                var path = AttachmentPaths.ToHomeRelative(MessageReader.Text(reader, 1));
                var inBackup = path is not null && source.FindEntry(MessagesDatabase.MediaDomain, path) is not null;
                result.Add(new StorageItem(
                    MessageReader.Text(reader, 2) ?? (path is null ? $"attachment {reader.GetInt64(0)}" : Path.GetFileName(path)),
                    MessageReader.Long(reader, 3),
                    1,
                    AppleTime.FromMessageDate(MessageReader.Long(reader, 4)),
                    $"{MessageReader.Text(reader, 6) ?? "no conversation"}; {MessageReader.Text(reader, 5) ?? "unknown type"}; {(inBackup ? "in the backup" : "not in the backup")}"));
            }

            return result;
        }
    }

    private static readonly string[] VideoExtensions = [".mov", ".mp4", ".m4v", ".3gp", ".avi", ".mkv", ".webm"];

    private static bool IsVideo(string path) =>
        VideoExtensions.Any(extension => path.EndsWith(extension, StringComparison.OrdinalIgnoreCase));

    private static void KeepTop(PriorityQueue<StorageItem, long> queue, StorageItem item, int top)
    {
        queue.Enqueue(item, item.Bytes);
        if (queue.Count > top)
        {
            queue.Dequeue();
        }
    }

    private static void Add(Dictionary<string, (long Bytes, long Files)> map, string key, long size)
    {
        map.TryGetValue(key, out var current);
        map[key] = (current.Bytes + size, current.Files + 1);
    }

    private static List<StorageItem> Sorted(Dictionary<string, (long Bytes, long Files)> map) =>
        [.. map.Select(kv => new StorageItem(kv.Key, kv.Value.Bytes, kv.Value.Files)).OrderByDescending(i => i.Bytes).ThenBy(i => i.Name, StringComparer.Ordinal)];

    private static List<StorageItem> Drain(PriorityQueue<StorageItem, long> queue)
    {
        var list = new List<StorageItem>(queue.Count);
        while (queue.Count > 0)
        {
            list.Add(queue.Dequeue());
        }

        list.Reverse();
        return list;
    }
}
