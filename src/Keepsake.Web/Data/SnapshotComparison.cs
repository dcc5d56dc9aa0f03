using Keepsake.Engine.History;
using Keepsake.Export;
using Keepsake.Export.Messages;

namespace Keepsake.Web.Data;

/// <summary>
/// What changed between two snapshots: files (Engine's <see cref="BackupFileDiff"/>, as phone paths, content
/// compared in the vault), messages added and removed (by GUID, from each snapshot's sms.db) and photos
/// added and removed (by file, from each camera roll).
/// </summary>
public sealed record SnapshotComparison(
    BackupFileDiff Files,
    IReadOnlyList<MessageChange> MessagesAdded,
    IReadOnlyList<MessageChange> MessagesRemoved,
    IReadOnlyList<PhotoAsset> PhotosAdded,
    IReadOnlyList<PhotoAsset> PhotosRemoved)
{
    public static async Task<SnapshotComparison> CompareAsync(Repository.Repository repository, SnapshotView older, SnapshotView newer, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(repository);
        ArgumentNullException.ThrowIfNull(older);
        ArgumentNullException.ThrowIfNull(newer);
        var contentChanged = new HashSet<string>(StringComparer.Ordinal);
        foreach (var change in await repository.DiffAsync(older.Snapshot, newer.Snapshot, cancellationToken))
        {
            if (change.Modifier.Contains('M', StringComparison.Ordinal))
            {
                contentChanged.Add(change.Path[(change.Path.LastIndexOf('/') + 1)..]);
            }
        }

        var files = BackupFileDiff.Compare(older.Source, newer.Source, contentChanged, cancellationToken);
        var before = await MessagesOfAsync(older, cancellationToken);
        var after = await MessagesOfAsync(newer, cancellationToken);
        var added = after.Where(p => !before.ContainsKey(p.Key)).Select(p => p.Value).OrderBy(m => m.Date).ToList();
        var removed = before.Where(p => !after.ContainsKey(p.Key)).Select(p => p.Value).OrderBy(m => m.Date).ToList();
        var photosBefore = await PhotosModel.AssetsAsync(older, cancellationToken);
        var photosAfter = await PhotosModel.AssetsAsync(newer, cancellationToken);
        var beforePaths = photosBefore.Select(a => a.RelativePath).ToHashSet(StringComparer.Ordinal);
        var afterPaths = photosAfter.Select(a => a.RelativePath).ToHashSet(StringComparer.Ordinal);
        return new SnapshotComparison(
            files, added, removed,
            [.. photosAfter.Where(a => !beforePaths.Contains(a.RelativePath))],
            [.. photosBefore.Where(a => !afterPaths.Contains(a.RelativePath))]);
    }

    /// <summary>Every message of the snapshot by GUID; an empty set when it has no messages database.</summary>
    private static async Task<Dictionary<string, MessageChange>> MessagesOfAsync(SnapshotView view, CancellationToken cancellationToken)
    {
        var result = new Dictionary<string, MessageChange>(StringComparer.Ordinal);
        IReadOnlyList<ConversationSummary> conversations;
        try
        {
            conversations = await MessagesModel.ConversationsAsync(view, cancellationToken);
        }
        catch (NoDataException)
        {
            return result;
        }

        var titles = conversations.ToDictionary(c => c.Conversation.Id, c => c.Conversation.Title);
        await view.Gate.WaitAsync(cancellationToken);
        try
        {
            var database = await view.MessagesAsync(cancellationToken);
            var reader = new MessageReader(database);
            foreach (var m in reader.ReadMessagesByDate(reader.ReadConversations(), cancellationToken: cancellationToken))
            {
                if (m.Guid.Length > 0)
                {
                    result.TryAdd(m.Guid, new MessageChange(m.Guid, titles.GetValueOrDefault(m.ConversationId) ?? "(no conversation)", m.IsFromMe ? "Me" : m.Sender.Name ?? m.Sender.Handle, m.Date, m.Text));
                }
            }
        }
        finally
        {
            view.Gate.Release();
        }

        return result;
    }
}
