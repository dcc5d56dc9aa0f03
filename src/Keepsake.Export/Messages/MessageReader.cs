using System.Data.Common;
using System.Globalization;
using Keepsake.Export.Databases;
using Keepsake.Export.Messages.TypedStream;
using Microsoft.Data.Sqlite;

namespace Keepsake.Export.Messages;

/// <summary>
/// Reads conversations and messages from a <see cref="MessagesDatabase"/>, building every query from
/// the columns that exist (missing ones read as NULL). Messages stream from a SQLite reader, ordered
/// by conversation then date; only small side tables (handles, tapbacks, reply counts, recently
/// deleted ids) are held in memory. See docs/design/exporters.md, "Messages".
/// </summary>
public sealed class MessageReader
{
    private static readonly string[] MessageColumns =
    [
        "guid", "text", "attributedBody", "service", "handle_id", "subject", "date", "date_read", "date_delivered",
        "is_from_me", "item_type", "group_action_type", "group_title", "other_handle", "associated_message_guid",
        "associated_message_type", "associated_message_emoji", "balloon_bundle_id", "expressive_send_style_id",
        "thread_originator_guid", "thread_originator_part", "date_edited", "date_retracted", "message_summary_info",
        "is_audio_message", "destination_caller_id", "share_status",
    ];

    // Ordinals of MessageColumns.
    private const int ColGuid = 0, ColText = 1, ColAttributedBody = 2, ColService = 3, ColHandleId = 4, ColSubject = 5, ColDate = 6,
        ColDateRead = 7, ColDateDelivered = 8, ColIsFromMe = 9, ColItemType = 10, ColGroupActionType = 11, ColGroupTitle = 12,
        ColOtherHandle = 13, ColAssociatedMessageGuid = 14, ColAssociatedMessageType = 15, ColAssociatedMessageEmoji = 16,
        ColBalloonBundleId = 17, ColExpressiveSendStyleId = 18, ColThreadOriginatorGuid = 19, ColThreadOriginatorPart = 20,
        ColDateEdited = 21, ColDateRetracted = 22, ColMessageSummaryInfo = 23, ColIsAudioMessage = 24, ColDestinationCallerId = 25,
        ColShareStatus = 26, ColRowId = 27, ColChatId = 28;

    private readonly MessagesDatabase _database;
    private readonly DatabaseSchema _schema;
    private const int ParticipantCacheLimit = 100_000;

    private readonly Dictionary<long, Participant> _participants = [];
    private readonly Dictionary<string, Participant> _owners = new(StringComparer.Ordinal);
    private Dictionary<long, string>? _handles;

    public MessageReader(MessagesDatabase database)
    {
        ArgumentNullException.ThrowIfNull(database);
        _database = database;
        _schema = database.File.Schema;
    }

    private SqliteConnection Connection => _database.File.Connection;

    /// <summary>Every conversation: chat rows, chats named only by chat_message_join, and (when any message is in no chat) the orphans bucket.</summary>
    public IReadOnlyList<Conversation> ReadConversations() => ReadConversations(withOrphans: true);

    /// <summary>The conversations; without <paramref name="withOrphans"/> the orphans bucket is left out (and not looked for: see <see cref="HasOrphansAsync"/>).</summary>
    internal IReadOnlyList<Conversation> ReadConversations(bool withOrphans)
    {
        var participants = ReadParticipants();
        var result = new List<Conversation>();
        var seen = new HashSet<long>();
        if (_schema.HasTable("chat"))
        {
            using var command = Connection.CreateCommand();
            command.CommandText = $"""
                SELECT c.ROWID, {S("chat", "c", "guid")}, {S("chat", "c", "chat_identifier")}, {S("chat", "c", "display_name")},
                       {S("chat", "c", "service_name")}, {S("chat", "c", "style")}
                FROM chat c ORDER BY c.ROWID
                """;
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                var id = reader.GetInt64(0);
                seen.Add(id);
                var people = participants.GetValueOrDefault(id) ?? [];
                result.Add(new Conversation
                {
                    Id = id,
                    Guid = Text(reader, 1),
                    Identifier = Text(reader, 2),
                    DisplayName = string.IsNullOrWhiteSpace(Text(reader, 3)) ? null : Text(reader, 3),
                    Service = Text(reader, 4),
                    IsGroup = Long(reader, 5) == 43 || people.Count > 1,
                    Participants = people,
                });
            }
        }

        if (_schema.HasTable("chat_message_join"))
        {
            using var command = Connection.CreateCommand();
            command.CommandText = "SELECT DISTINCT chat_id FROM chat_message_join WHERE chat_id IS NOT NULL ORDER BY chat_id";
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                var id = reader.GetInt64(0);
                if (seen.Add(id))
                {
                    var people = participants.GetValueOrDefault(id) ?? [];
                    result.Add(new Conversation
                    {
                        Id = id,
                        IsSynthetic = true,
                        IsGroup = people.Count > 1,
                        Participants = people,
                    });
                }
            }
        }

        if (withOrphans && CountOrphans(Connection) > 0)
        {
            result.Add(new Conversation { Id = Conversation.OrphansId, IsSynthetic = true });
        }

        return result;
    }

    /// <summary>
    /// Whether some message is in no chat (the orphans bucket exists), asked on a connection of its own so that
    /// it runs while this reader's connection streams the messages: the question scans every message.
    /// </summary>
    internal Task<bool> HasOrphansAsync(CancellationToken cancellationToken) => Task.Run(
        () =>
        {
            using var connection = new SqliteConnection(Connection.ConnectionString);
            connection.Open();
            return CountOrphans(connection) > 0;
        },
        cancellationToken);

    /// <summary>
    /// Streams the messages of <paramref name="conversations"/>, ordered by conversation, then date,
    /// then ROWID. Tapbacks come attached to their target; a tapback whose target is not in the
    /// database comes as a message of its own (<see cref="Message.OrphanTapback"/>).
    /// </summary>
    public IEnumerable<Message> ReadMessages(IReadOnlyCollection<Conversation> conversations, MessageFilter? filter = null, CancellationToken cancellationToken = default) =>
        Read(conversations, filter, byDate: false, cancellationToken);

    /// <summary>
    /// The same messages as <see cref="ReadMessages"/>, ordered by date, then ROWID, across all the
    /// conversations (a message in two chats comes once for each, one after the other). Each
    /// conversation's messages are therefore in the same order as with <see cref="ReadMessages"/>.
    /// Rows are read in nearly the order they are stored, which is several times cheaper than
    /// reading one conversation after the other when the database is much larger than SQLite's cache.
    /// </summary>
    public IEnumerable<Message> ReadMessagesByDate(IReadOnlyCollection<Conversation> conversations, MessageFilter? filter = null, CancellationToken cancellationToken = default) =>
        Read(conversations, filter, byDate: true, cancellationToken);

    private IEnumerable<Message> Read(IReadOnlyCollection<Conversation> conversations, MessageFilter? filter, bool byDate, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(conversations);
        filter ??= new MessageFilter();
        if (conversations.Count == 0)
        {
            yield break;
        }

        var ids = conversations.Where(c => c.Id != Conversation.OrphansId).Select(c => c.Id.ToString(CultureInfo.InvariantCulture)).ToList();
        var includeOrphans = conversations.Any(c => c.Id == Conversation.OrphansId);
        var hasJoin = _schema.HasTable("chat_message_join");

        // By date, the chat test is written +cmj.chat_id so that SQLite keeps walking the date index
        // instead of fetching each chat's rows and sorting them all.
        var chatTest = byDate ? "+cmj.chat_id" : "cmj.chat_id";
        var where = string.Empty;
        if (hasJoin)
        {
            var parts = new List<string>();
            if (ids.Count > 0)
            {
                parts.Add($"{chatTest} IN ({string.Join(',', ids)})");
            }

            if (includeOrphans)
            {
                parts.Add($"{chatTest} IS NULL");
            }

            where = $"WHERE ({string.Join(" OR ", parts)})";
        }
        else if (!includeOrphans)
        {
            yield break;
        }

        using var context = new RowContext(this, filter);
        var select = string.Join(", ", MessageColumns.Select(c => S("message", "m", c)));
        var chatColumn = hasJoin ? "cmj.chat_id" : "NULL";
        var join = hasJoin ? "LEFT JOIN chat_message_join cmj ON cmj.message_id = m.ROWID" : string.Empty;
        var order = byDate ? "m.date, m.ROWID" : "chat_id, m.date, m.ROWID";

        // Statements are stepped through SQLite's C API: a data reader per row and boxed values cost
        // more than the row lookup itself (benchmarks/README.md, "export").
        var wide = $"SELECT {select}, m.ROWID, {chatColumn} AS chat_id FROM message m {join} {where} ORDER BY {order}";
        if (byDate && !NeedsSort(wide))
        {
            // An index on message.date gives the order: one statement walks it, reading rows in nearly stored order,
            // on a connection of its own without SQLite's mutex when the file can be opened so.
            using var own = SqliteReadConnection.TryOpen(_database.File, "message");
            using var rows = own is null ? SqliteStatement.Prepare(Connection, wide) : SqliteStatement.Prepare(own.Handle, wide, SqliteNative.Available);
            while (rows.Step())
            {
                cancellationToken.ThrowIfCancellationRequested();
                var rowId = rows.Int64(ColRowId);
                if (BuildMessage(rows, rowId, rows.IsNull(ColChatId) ? Conversation.OrphansId : rows.Int64(ColChatId), context) is { } message)
                {
                    yield return message;
                }
            }

            yield break;
        }

        // Otherwise sort only the keys (a wide sort copies every column into SQLite's sorter and is
        // several times slower), then read each row by ROWID: both stream, and the sort holds three
        // integers per row.
        using var keys = SqliteStatement.Prepare(Connection, $"SELECT m.ROWID, {chatColumn} AS chat_id FROM message m {join} {where} ORDER BY {order}");
        using var row = SqliteStatement.Prepare(Connection, $"SELECT {select} FROM message m WHERE m.ROWID = ?1");
        while (keys.Step())
        {
            cancellationToken.ThrowIfCancellationRequested();
            var rowId = keys.Int64(0);
            row.Bind(1, rowId);
            try
            {
                if (row.Step() && BuildMessage(row, rowId, keys.IsNull(1) ? Conversation.OrphansId : keys.Int64(1), context) is { } message)
                {
                    yield return message;
                }
            }
            finally
            {
                row.Reset();
            }
        }
    }

    /// <summary>Whether SQLite would sort the rows of <paramref name="sql"/> in a temporary b-tree (no index gives its order).</summary>
    private bool NeedsSort(string sql)
    {
        using var plan = SqliteStatement.Prepare(Connection, "EXPLAIN QUERY PLAN " + sql);
        while (plan.Step())
        {
            if (plan.Text(3) is { } detail && detail.Contains("TEMP B-TREE", StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The message of the current row (columns in <see cref="MessageColumns"/> order), or null when it is skipped (date filter, tapback attached to its target).</summary>
    private Message? BuildMessage(SqliteStatement row, long rowId, long conversationId, RowContext context)
    {
        var date = AppleTime.FromMessageDate(row.Int64(ColDate));
        if (!context.Filter.Matches(date))
        {
            return null;
        }

        var strings = context.Strings;
        var guid = row.Text(ColGuid) ?? string.Empty;
        var isFromMe = row.Int64(ColIsFromMe) != 0;
        var sender = SenderOf(isFromMe, row.Int64(ColHandleId), strings.Get(row, ColDestinationCallerId));
        Tapback? orphanTapback = null;
        if (row.IsNumberInRange(ColAssociatedMessageType, 1000, 4000))
        {
            var target = ParseAssociatedGuid(row.Text(ColAssociatedMessageGuid)).Guid;
            if (target is not null && context.Exists.Exists(target))
            {
                return null; // attached to its target
            }

            orphanTapback = MakeTapback(rowId, row.Int64(ColAssociatedMessageType), strings.Get(row, ColAssociatedMessageEmoji), sender, isFromMe, date, null);
        }

        var (text, body, diagnostic) = ReadBody(row);
        var threadGuid = row.Text(ColThreadOriginatorGuid);
        var edits = row.IsBlob(ColMessageSummaryInfo) ? EditHistory.Parse(row.Blob(ColMessageSummaryInfo).ToArray()) : EditHistory.None;
        var itemType = row.Int64(ColItemType);
        var retracted = AppleTime.FromMessageDate(row.Int64(ColDateRetracted));
        return new Message
        {
            RowId = rowId,
            Guid = guid,
            ConversationId = conversationId,
            Date = date,
            DateRead = AppleTime.FromMessageDate(row.Int64(ColDateRead)),
            DateDelivered = AppleTime.FromMessageDate(row.Int64(ColDateDelivered)),
            DateEdited = AppleTime.FromMessageDate(row.Int64(ColDateEdited)),
            DateRetracted = retracted,
            IsFromMe = isFromMe,
            Sender = sender,
            Service = strings.Get(row, ColService),
            Text = text,
            Subject = row.Text(ColSubject),
            Body = body,
            BodyDiagnostic = diagnostic,
            Attachments = context.Attachments.Read(rowId),
            Tapbacks = context.Tapbacks.GetValueOrDefault(guid) ?? [],
            ReplyTo = threadGuid is null ? null : new ReplyReference(threadGuid, ParsePart(row.Text(ColThreadOriginatorPart)), context.Snippets.Find(threadGuid)),
            ReplyCount = context.ReplyCounts.GetValueOrDefault(guid),
            Edits = edits.Edits,
            UnsentParts = edits.UnsentParts,
            IsUnsent = edits.IsFullyUnsent || (retracted is not null && text.Length == 0),
            IsRecentlyDeleted = context.Recoverable.Contains(rowId),
            SystemEvent = itemType == 0 ? null : DescribeSystemEvent(itemType, row.Int64(ColGroupActionType), sender, row.Text(ColGroupTitle), row.Int64(ColOtherHandle), row.Int64(ColShareStatus)),
            Effect = strings.Get(row, ColExpressiveSendStyleId),
            BalloonBundleId = strings.Get(row, ColBalloonBundleId),
            IsAudioMessage = row.Int64(ColIsAudioMessage) != 0,
            OrphanTapback = orphanTapback,
        };
    }

    /// <summary>ROWIDs of messages joined to more than one chat (exported once per chat, counted once).</summary>
    public HashSet<long> ReadMessagesInSeveralChats()
    {
        var result = new HashSet<long>();
        if (!_schema.HasTable("chat_message_join"))
        {
            return result;
        }

        using var command = Connection.CreateCommand();
        command.CommandText = "SELECT message_id FROM chat_message_join WHERE message_id IS NOT NULL GROUP BY message_id HAVING COUNT(*) > 1";
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            result.Add(reader.GetInt64(0));
        }

        return result;
    }

    /// <summary>(target guid, part) of an associated_message_guid: <c>p:N/GUID</c>, <c>bp:GUID</c> or a bare GUID.</summary>
    public static (string? Guid, int? Part) ParseAssociatedGuid(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return (null, null);
        }

        if (value.StartsWith("p:", StringComparison.Ordinal))
        {
            var slash = value.IndexOf('/', StringComparison.Ordinal);
            if (slash > 2 && int.TryParse(value.AsSpan(2, slash - 2), NumberStyles.None, CultureInfo.InvariantCulture, out var part))
            {
                return (value[(slash + 1)..], part);
            }

            return (slash > 0 ? value[(slash + 1)..] : value, null);
        }

        if (value.StartsWith("bp:", StringComparison.Ordinal))
        {
            return (value[3..], null);
        }

        return (value, null);
    }

    internal static (string Text, AttributedBody? Body, string? Diagnostic) DecodeBody(string? text, byte[]? blob)
    {
        var (body, diagnostic) = DecodeBlob(blob);
        return (StripMarks(body?.Text ?? text ?? string.Empty), body, diagnostic);
    }

    private static (AttributedBody? Body, string? Diagnostic) DecodeBlob(ReadOnlySpan<byte> blob)
    {
        if (blob.IsEmpty)
        {
            return (null, null);
        }

        if (!AttributedBodyDecoder.TryDecode(blob, out var body, out var error))
        {
            return (null, $"attributedBody could not be decoded ({error}); the text column was used");
        }

        return (body, body!.Diagnostics.Count > 0 ? string.Join("; ", body.Diagnostics) : null);
    }

    /// <summary>U+FFFC (attachment) and U+FFFD (balloon) removed; the same instance when there are none.</summary>
    private static string StripMarks(string text) =>
        text.AsSpan().IndexOfAny('\uFFFC', '\uFFFD') < 0
            ? text
            : text.Replace("\uFFFC", string.Empty, StringComparison.Ordinal).Replace("\uFFFD", string.Empty, StringComparison.Ordinal);

    /// <summary>The body of the current row: the decoded attributedBody's text, else the text column (read only then).</summary>
    private static (string, AttributedBody?, string?) ReadBody(SqliteStatement row)
    {
        var (body, diagnostic) = DecodeBlob(row.Blob(ColAttributedBody));
        return (StripMarks(body?.Text ?? row.Text(ColText) ?? string.Empty), body, diagnostic);
    }

    private static int? ParsePart(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return null;
        }

        var first = value.Split(':')[0];
        return int.TryParse(first, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : null;
    }

    private string DescribeSystemEvent(long itemType, long action, Participant sender, string? groupTitle, long otherHandle, long shareStatus)
    {
        var who = sender.Name ?? sender.Handle;
        var other = otherHandle == 0 ? "someone" : HandleParticipant(otherHandle).DisplayName;
        return (itemType, action) switch
        {
            (1, 0) => $"{who} added {other} to the conversation",
            (1, 1) => $"{who} removed {other} from the conversation",
            (2, _) => groupTitle is null ? $"{who} removed the conversation name" : $"{who} named the conversation \u201C{groupTitle}\u201D",
            (3, 0) => $"{who} left the conversation",
            (3, 1) => $"{who} changed the group photo",
            (3, 2) => $"{who} removed the group photo",
            (3, 4) => $"{who} changed the background",
            (3, 6) => $"{who} removed the background",
            (4, _) => shareStatus == 0 ? $"{who} started sharing location" : $"{who} stopped sharing location",
            (5, _) => $"{who} kept an audio message",
            (6, _) => $"{who} started FaceTime or SharePlay",
            _ => $"system event (item_type {itemType}, action {action})",
        };
    }

    private Participant SenderOf(bool isFromMe, long handleId, string? ownAddress)
    {
        if (isFromMe)
        {
            var address = string.IsNullOrEmpty(ownAddress) ? "Me" : ownAddress;
            if (!_owners.TryGetValue(address, out var owner))
            {
                owner = new Participant(address, "Me");
                if (_owners.Count < ParticipantCacheLimit)
                {
                    _owners[address] = owner;
                }
            }

            return owner;
        }

        return HandleParticipant(handleId);
    }

    /// <summary>The participant of a handle ROWID, named from the contacts; one shared instance per handle.</summary>
    private Participant HandleParticipant(long handleId)
    {
        if (_participants.TryGetValue(handleId, out var known))
        {
            return known;
        }

        _handles ??= ReadHandles();
        var participant = _handles.TryGetValue(handleId, out var handle)
            ? new Participant(handle, _database.Contacts.Find(handle))
            : new Participant(handleId == 0 ? "Unknown" : $"handle {handleId}", null);
        if (_participants.Count < ParticipantCacheLimit)
        {
            _participants[handleId] = participant;
        }

        return participant;
    }

    private Dictionary<long, string> ReadHandles()
    {
        var handles = new Dictionary<long, string>();
        if (!_schema.HasTable("handle"))
        {
            return handles;
        }

        using var command = Connection.CreateCommand();
        command.CommandText = "SELECT ROWID, id FROM handle";
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            if (Text(reader, 1) is { } id)
            {
                handles[reader.GetInt64(0)] = id;
            }
        }

        return handles;
    }

    private Dictionary<long, List<Participant>> ReadParticipants()
    {
        var result = new Dictionary<long, List<Participant>>();
        if (!_schema.HasTable("chat_handle_join"))
        {
            return result;
        }

        using var command = Connection.CreateCommand();
        command.CommandText = "SELECT chat_id, handle_id FROM chat_handle_join ORDER BY chat_id, handle_id";
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            if (reader.IsDBNull(0) || reader.IsDBNull(1))
            {
                continue;
            }

            var chat = reader.GetInt64(0);
            if (!result.TryGetValue(chat, out var list))
            {
                result[chat] = list = [];
            }

            list.Add(HandleParticipant(reader.GetInt64(1)));
        }

        return result;
    }

    private long CountOrphans(SqliteConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = _schema.HasTable("chat_message_join")
            ? "SELECT COUNT(*) FROM message m WHERE NOT EXISTS (SELECT 1 FROM chat_message_join j WHERE j.message_id = m.ROWID)"
            : "SELECT COUNT(*) FROM message";
        return Convert.ToInt64(command.ExecuteScalar(), CultureInfo.InvariantCulture);
    }

    /// <summary>Tapbacks (rows with associated_message_type 1000–3999 and a target GUID) by target GUID, each list in (date, ROWID) order.</summary>
    private Dictionary<string, List<Tapback>> ReadTapbacks()
    {
        var result = new Dictionary<string, List<Tapback>>(StringComparer.Ordinal);
        if (!_schema.HasColumn("message", "associated_message_type"))
        {
            return result;
        }

        // ">= -9e999" is IS NOT NULL written as a range, so that SQLite walks the index on associated_message_guid
        // (a few percent of the rows) instead of the whole table; "+m.date" keeps it from walking the date index instead.
        using var command = Connection.CreateCommand();
        command.CommandText = $"""
            SELECT m.ROWID, m.associated_message_guid, m.associated_message_type, {S("message", "m", "associated_message_emoji")},
                   {S("message", "m", "is_from_me")}, {S("message", "m", "handle_id")}, {S("message", "m", "date")},
                   {S("message", "m", "destination_caller_id")}
            FROM message m
            WHERE m.associated_message_guid >= -9e999 AND m.associated_message_type >= 1000 AND m.associated_message_type < 4000
            ORDER BY +m.date, m.ROWID
            """;
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            var rowId = reader.GetInt64(0);
            var (guid, part) = ParseAssociatedGuid(Text(reader, 1));
            if (guid is null)
            {
                continue;
            }

            var isFromMe = Long(reader, 4) != 0;
            var tapback = MakeTapback(rowId, Long(reader, 2), Text(reader, 3), SenderOf(isFromMe, Long(reader, 5), Text(reader, 7)), isFromMe, AppleTime.FromMessageDate(Long(reader, 6)), part);
            if (!result.TryGetValue(guid, out var list))
            {
                result[guid] = list = [];
            }

            list.Add(tapback);
        }

        return result;
    }

    private static Tapback MakeTapback(long rowId, long type, string? emoji, Participant sender, bool isFromMe, DateTimeOffset? date, int? part) => new()
    {
        RowId = rowId,
        Kind = (TapbackKind)Math.Clamp(type % 1000, 0, 7),
        IsRemoved = type >= 3000,
        IsStickerPlacement = type == 1000,
        Emoji = emoji,
        Sender = sender,
        IsFromMe = isFromMe,
        Date = date,
        Part = part,
    };

    private Dictionary<string, int> ReadReplyCounts()
    {
        var result = new Dictionary<string, int>(StringComparer.Ordinal);
        if (!_schema.HasColumn("message", "thread_originator_guid"))
        {
            return result;
        }

        using var command = Connection.CreateCommand();
        command.CommandText = "SELECT thread_originator_guid, COUNT(*) FROM message WHERE thread_originator_guid IS NOT NULL GROUP BY thread_originator_guid";
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            result[Text(reader, 0) ?? string.Empty] = (int)Long(reader, 1);
        }

        return result;
    }

    private HashSet<long> ReadIdSet(string table, string column)
    {
        var result = new HashSet<long>();
        if (!_schema.HasColumn(table, column))
        {
            return result;
        }

        using var command = Connection.CreateCommand();
        command.CommandText = $"SELECT \"{column}\" FROM \"{table}\" WHERE \"{column}\" IS NOT NULL";
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            result.Add(reader.GetInt64(0));
        }

        return result;
    }

    private string S(string table, string alias, string column) => _schema.Select(table, alias, column);

    internal static string? Text(DbDataReader reader, int ordinal)
    {
        if (reader.IsDBNull(ordinal))
        {
            return null;
        }

        var value = reader.GetValue(ordinal);
        return value switch
        {
            string s => s,
            byte[] b => System.Text.Encoding.UTF8.GetString(b),
            _ => Convert.ToString(value, CultureInfo.InvariantCulture),
        };
    }

    internal static long Long(DbDataReader reader, int ordinal)
    {
        if (reader.IsDBNull(ordinal))
        {
            return 0;
        }

        var value = reader.GetValue(ordinal);
        return value switch
        {
            long l => l,
            double d => (long)d,
            string s when long.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out var l) => l,
            _ => 0,
        };
    }

    internal static double Double(DbDataReader reader, int ordinal)
    {
        if (reader.IsDBNull(ordinal))
        {
            return double.NaN;
        }

        var value = reader.GetValue(ordinal);
        return value switch
        {
            long l => l,
            double d => d,
            string s when double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) => d,
            _ => double.NaN,
        };
    }

    internal static byte[]? Blob(DbDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : reader.GetValue(ordinal) as byte[];

    /// <summary>What building messages needs besides the row: the side tables read once, and the per-row queries.</summary>
    private sealed class RowContext : IDisposable
    {
        public RowContext(MessageReader reader, MessageFilter filter)
        {
            Filter = filter;
            Tapbacks = reader.ReadTapbacks();
            ReplyCounts = reader.ReadReplyCounts();
            Recoverable = reader.ReadIdSet("chat_recoverable_message_join", "message_id");
            Attachments = new AttachmentQuery(reader.Connection, reader._schema);
            Snippets = new SnippetQuery(reader.Connection, reader._schema);
            Exists = new ExistsQuery(reader.Connection);
        }

        public MessageFilter Filter { get; }

        public Dictionary<string, List<Tapback>> Tapbacks { get; }

        public Dictionary<string, int> ReplyCounts { get; }

        public HashSet<long> Recoverable { get; }

        public AttachmentQuery Attachments { get; }

        public SnippetQuery Snippets { get; }

        public ExistsQuery Exists { get; }

        public Utf8Interner Strings { get; } = new();

        public void Dispose()
        {
            Attachments.Dispose();
            Snippets.Dispose();
            Exists.Dispose();
        }
    }

    private sealed class ExistsQuery : IDisposable
    {
        private readonly SqliteCommand _command;
        private readonly Dictionary<string, bool> _cache = new(StringComparer.Ordinal);

        public ExistsQuery(SqliteConnection connection)
        {
            _command = connection.CreateCommand();
            _command.CommandText = "SELECT 1 FROM message WHERE guid = $g LIMIT 1";
            _command.Parameters.Add("$g", SqliteType.Text);
        }

        public bool Exists(string guid)
        {
            if (_cache.TryGetValue(guid, out var known))
            {
                return known;
            }

            _command.Parameters[0].Value = guid;
            var found = _command.ExecuteScalar() is not null;
            if (_cache.Count < 100_000)
            {
                _cache[guid] = found;
            }

            return found;
        }

        public void Dispose() => _command.Dispose();
    }

    private sealed class SnippetQuery : IDisposable
    {
        private readonly SqliteCommand? _command;

        public SnippetQuery(SqliteConnection connection, DatabaseSchema schema)
        {
            if (schema.HasColumn("message", "thread_originator_guid"))
            {
                _command = connection.CreateCommand();
                _command.CommandText = $"SELECT text, {schema.Select("message", "message", "attributedBody")} FROM message WHERE guid = $g LIMIT 1";
                _command.Parameters.Add("$g", SqliteType.Text);
            }
        }

        public string? Find(string guid)
        {
            if (_command is null)
            {
                return null;
            }

            _command.Parameters[0].Value = guid;
            using var reader = _command.ExecuteReader();
            if (!reader.Read())
            {
                return null;
            }

            var text = DecodeBody(Text(reader, 0), Blob(reader, 1)).Text;
            return text.Length <= 80 ? text : string.Concat(text.AsSpan(0, 79), "\u2026");
        }

        public void Dispose() => _command?.Dispose();
    }

    private sealed class AttachmentQuery : IDisposable
    {
        private readonly SqliteCommand? _command;
        private readonly HashSet<long>? _withAttachments;

        public AttachmentQuery(SqliteConnection connection, DatabaseSchema schema)
        {
            if (schema.HasTable("attachment") && schema.HasTable("message_attachment_join"))
            {
                // Messages with attachments are few: one pass finds them, so the per-message query runs only for those.
                _withAttachments = [];
                using (var ids = connection.CreateCommand())
                {
                    ids.CommandText = "SELECT DISTINCT message_id FROM message_attachment_join WHERE message_id IS NOT NULL";
                    using var idReader = ids.ExecuteReader();
                    while (idReader.Read())
                    {
                        _withAttachments.Add(idReader.GetInt64(0));
                    }
                }

                _command = connection.CreateCommand();
                _command.CommandText = $"""
                    SELECT a.ROWID, {schema.Select("attachment", "a", "guid")}, {schema.Select("attachment", "a", "filename")},
                           {schema.Select("attachment", "a", "transfer_name")}, {schema.Select("attachment", "a", "mime_type")},
                           {schema.Select("attachment", "a", "uti")}, {schema.Select("attachment", "a", "total_bytes")},
                           {schema.Select("attachment", "a", "created_date")}, {schema.Select("attachment", "a", "is_sticker")},
                           {schema.Select("attachment", "a", "is_outgoing")}
                    FROM message_attachment_join j JOIN attachment a ON a.ROWID = j.attachment_id
                    WHERE j.message_id = $id ORDER BY a.ROWID
                    """;
                _command.Parameters.Add("$id", SqliteType.Integer);
            }
        }

        public IReadOnlyList<MessageAttachment> Read(long messageId)
        {
            if (_command is null || !_withAttachments!.Contains(messageId))
            {
                return [];
            }

            _command.Parameters[0].Value = messageId;
            using var reader = _command.ExecuteReader();
            List<MessageAttachment>? list = null;
            while (reader.Read())
            {
                (list ??= []).Add(new MessageAttachment
                {
                    RowId = reader.GetInt64(0),
                    Guid = Text(reader, 1),
                    DevicePath = Text(reader, 2),
                    TransferName = Text(reader, 3),
                    MimeType = Text(reader, 4),
                    Uti = Text(reader, 5),
                    TotalBytes = Long(reader, 6),
                    Created = AppleTime.FromMessageDate(Long(reader, 7)),
                    IsSticker = Long(reader, 8) != 0,
                    IsOutgoing = Long(reader, 9) != 0,
                });
            }

            return list ?? (IReadOnlyList<MessageAttachment>)[];
        }

        public void Dispose() => _command?.Dispose();
    }
}
