using Keepsake.Export;
using Keepsake.Export.Messages;
using Microsoft.Data.Sqlite;

namespace Keepsake.Web.Data;

/// <summary>
/// Conversations and pages of messages, read with Export's <see cref="MessageReader"/> (the same reading
/// the exports use: attributed bodies, tapbacks, edits, attachments). A page is a date range found with
/// one indexed query, so a 100,000-message conversation is never read whole for one screen.
/// </summary>
public static class MessagesModel
{
    public const int PageSize = 200;

    public static async Task<IReadOnlyList<ConversationSummary>> ConversationsAsync(SnapshotView view, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(view);
        await view.Gate.WaitAsync(cancellationToken);
        try
        {
            if (view.CachedConversations is { } cached)
            {
                return cached;
            }

            var database = await view.MessagesAsync(cancellationToken);
            var reader = new MessageReader(database);
            var conversations = reader.ReadConversations();
            var counts = new Dictionary<long, (long Count, long LastDate)>();
            var schema = database.File.Schema;
            if (schema.HasTable("chat_message_join"))
            {
                using var command = database.File.Connection.CreateCommand();
                command.CommandText = "SELECT cmj.chat_id, COUNT(*), MAX(m.date) FROM chat_message_join cmj JOIN message m ON m.ROWID = cmj.message_id GROUP BY cmj.chat_id";
                using var rows = command.ExecuteReader();
                while (rows.Read())
                {
                    counts[rows.GetInt64(0)] = (rows.GetInt64(1), rows.IsDBNull(2) ? 0 : rows.GetInt64(2));
                }
            }

            var result = conversations
                .Where(c => c.Id != Conversation.OrphansId)
                .Select(c => counts.TryGetValue(c.Id, out var n)
                    ? new ConversationSummary(c, n.Count, AppleTime.FromMessageDate(n.LastDate))
                    : new ConversationSummary(c, 0, null))
                .OrderByDescending(c => c.LastDate)
                .ToList();
            view.CachedConversations = result;
            return result;
        }
        finally
        {
            view.Gate.Release();
        }
    }

    /// <summary>Page <paramref name="page"/> (1-based; null for the newest) of conversation <paramref name="chatId"/>.</summary>
    /// <exception cref="WebException">404 for an unknown conversation.</exception>
    public static async Task<MessagePage> PageAsync(SnapshotView view, long chatId, int? page, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(view);
        var conversation = (await ConversationsAsync(view, cancellationToken)).FirstOrDefault(c => c.Conversation.Id == chatId)
            ?? throw new WebException(404, "This backup has no such conversation.");
        var pages = (int)Math.Max(1, (conversation.MessageCount + PageSize - 1) / PageSize);
        var number = Math.Clamp(page ?? pages, 1, pages);
        await view.Gate.WaitAsync(cancellationToken);
        try
        {
            var database = await view.MessagesAsync(cancellationToken);
            var from = DateAt(database.File.Connection, chatId, (number - 1) * PageSize);
            var to = number < pages ? DateAt(database.File.Connection, chatId, number * PageSize) : null;
            var filter = new MessageFilter { From = from is null ? null : AppleTime.FromMessageDate(from.Value), To = to is null ? null : AppleTime.FromMessageDate(to.Value) };
            if (from is null)
            {
                filter = new MessageFilter();
            }

            var messages = new MessageReader(database).ReadMessages([conversation.Conversation], filter, cancellationToken).Take(PageSize * 2).ToList();
            return new MessagePage(conversation, number, pages, messages);
        }
        finally
        {
            view.Gate.Release();
        }
    }

    /// <summary>The raw date of the conversation's message at <paramref name="offset"/> in date order, or null.</summary>
    private static long? DateAt(SqliteConnection connection, long chatId, int offset)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT m.date FROM chat_message_join cmj JOIN message m ON m.ROWID = cmj.message_id WHERE cmj.chat_id = $chat ORDER BY m.date, m.ROWID LIMIT 1 OFFSET $offset";
        command.Parameters.AddWithValue("$chat", chatId);
        command.Parameters.AddWithValue("$offset", offset);
        var value = command.ExecuteScalar();
        return value is null or DBNull ? null : Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>The attachment row <paramref name="attachmentId"/>: its backup file and MIME type.</summary>
    /// <exception cref="WebException">404 when there is no such attachment or its file is not in the backup.</exception>
    public static async Task<(BackupFormat.BackupEntry Entry, string? MimeType, string Name)> AttachmentAsync(SnapshotView view, long attachmentId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(view);
        await view.Gate.WaitAsync(cancellationToken);
        try
        {
            var database = await view.MessagesAsync(cancellationToken);
            using var command = database.File.Connection.CreateCommand();
            command.CommandText = "SELECT filename, mime_type, transfer_name FROM attachment WHERE ROWID = $id";
            command.Parameters.AddWithValue("$id", attachmentId);
            using var rows = command.ExecuteReader();
            if (!rows.Read())
            {
                throw new WebException(404, "This backup has no such attachment.");
            }

            var devicePath = rows.IsDBNull(0) ? null : rows.GetString(0);
            var relative = AttachmentPaths.ToHomeRelative(devicePath) ?? throw new WebException(404, "This attachment has no file in the backup.");
            var entry = view.Source.FindEntry(MessagesDatabase.MediaDomain, relative) ?? throw new WebException(404, "This attachment's file is not in the backup.");
            var name = rows.IsDBNull(2) ? Path.GetFileName(relative) : rows.GetString(2);
            return (entry, rows.IsDBNull(1) ? null : rows.GetString(1), name);
        }
        finally
        {
            view.Gate.Release();
        }
    }
}
