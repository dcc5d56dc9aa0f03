using Microsoft.Data.Sqlite;

namespace Keepsake.Export.Tests.Support;

/// <summary>Builds a small sms.db with the iOS 16+ columns the exporter reads, for tests.</summary>
internal sealed class SmsDbBuilder : IDisposable
{
    public static readonly DateTimeOffset Base = new(2023, 5, 1, 12, 0, 0, TimeSpan.Zero);

    private readonly SqliteConnection _connection;

    public SmsDbBuilder(string path)
    {
        Path = path;
        _connection = new SqliteConnection($"Data Source={path};Pooling=False");
        _connection.Open();
        Execute("""
            CREATE TABLE message (ROWID INTEGER PRIMARY KEY AUTOINCREMENT, guid TEXT UNIQUE NOT NULL, text TEXT, attributedBody BLOB,
              service TEXT, handle_id INTEGER DEFAULT 0, subject TEXT, date INTEGER, date_read INTEGER, date_delivered INTEGER,
              is_from_me INTEGER DEFAULT 0, item_type INTEGER DEFAULT 0, group_action_type INTEGER DEFAULT 0, group_title TEXT,
              other_handle INTEGER DEFAULT 0, associated_message_guid TEXT, associated_message_type INTEGER DEFAULT 0,
              associated_message_emoji TEXT, balloon_bundle_id TEXT, expressive_send_style_id TEXT, thread_originator_guid TEXT,
              thread_originator_part TEXT, date_edited INTEGER DEFAULT 0, date_retracted INTEGER DEFAULT 0, message_summary_info BLOB,
              is_audio_message INTEGER DEFAULT 0, destination_caller_id TEXT, share_status INTEGER DEFAULT 0, cache_has_attachments INTEGER DEFAULT 0);
            CREATE TABLE chat (ROWID INTEGER PRIMARY KEY AUTOINCREMENT, guid TEXT UNIQUE NOT NULL, style INTEGER, chat_identifier TEXT,
              service_name TEXT, display_name TEXT);
            CREATE TABLE handle (ROWID INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL, service TEXT);
            CREATE TABLE chat_handle_join (chat_id INTEGER, handle_id INTEGER);
            CREATE TABLE chat_message_join (chat_id INTEGER, message_id INTEGER, message_date INTEGER);
            CREATE TABLE attachment (ROWID INTEGER PRIMARY KEY AUTOINCREMENT, guid TEXT UNIQUE NOT NULL, created_date INTEGER, filename TEXT,
              uti TEXT, mime_type TEXT, transfer_name TEXT, total_bytes INTEGER, is_outgoing INTEGER, is_sticker INTEGER);
            CREATE TABLE message_attachment_join (message_id INTEGER, attachment_id INTEGER);
            """);
    }

    public string Path { get; }

    public long Handle(string id) => Insert("INSERT INTO handle (id, service) VALUES ($a, 'iMessage')", id);

    public long Chat(string guid, string identifier, string? displayName, params long[] handles)
    {
        var id = Insert("INSERT INTO chat (guid, style, chat_identifier, service_name, display_name) VALUES ($a, $b, $c, 'iMessage', $d)", guid, handles.Length > 1 ? 43 : 45, identifier, displayName ?? string.Empty);
        foreach (var h in handles)
        {
            Execute($"INSERT INTO chat_handle_join VALUES ({id}, {h})");
        }

        return id;
    }

    /// <summary>Adds a message <paramref name="minutes"/> after <see cref="Base"/> (date in nanoseconds, as iOS 11+).</summary>
    public long Message(long chat, string guid, string? text, long handle, bool fromMe, int minutes, string? extraColumns = null, params object?[] extraValues)
    {
        var date = (long)(Base.AddMinutes(minutes) - new DateTimeOffset(2001, 1, 1, 0, 0, 0, TimeSpan.Zero)).TotalSeconds * 1_000_000_000L;
        var columns = "guid, text, service, handle_id, date, is_from_me" + (extraColumns is null ? string.Empty : ", " + extraColumns);
        var names = new List<string> { "$a", "$b", "$c", "$d", "$e", "$f" };
        for (var i = 0; i < extraValues.Length; i++)
        {
            names.Add($"$x{i}");
        }

        using var command = _connection.CreateCommand();
        command.CommandText = $"INSERT INTO message ({columns}) VALUES ({string.Join(", ", names)}); SELECT last_insert_rowid();";
        command.Parameters.AddWithValue("$a", guid);
        command.Parameters.AddWithValue("$b", (object?)text ?? DBNull.Value);
        command.Parameters.AddWithValue("$c", "iMessage");
        command.Parameters.AddWithValue("$d", handle);
        command.Parameters.AddWithValue("$e", date);
        command.Parameters.AddWithValue("$f", fromMe ? 1 : 0);
        for (var i = 0; i < extraValues.Length; i++)
        {
            command.Parameters.AddWithValue($"$x{i}", extraValues[i] ?? DBNull.Value);
        }

        var id = Convert.ToInt64(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
        if (chat != 0)
        {
            Execute($"INSERT INTO chat_message_join VALUES ({chat}, {id}, {date})");
        }

        return id;
    }

    public long Attachment(long message, string guid, string filename, string transferName, string mime, long bytes)
    {
        var id = Insert("INSERT INTO attachment (guid, created_date, filename, uti, mime_type, transfer_name, total_bytes, is_outgoing, is_sticker) VALUES ($a, 700000000, $b, 'public.data', $c, $d, $e, 0, 0)", guid, filename, mime, transferName, bytes);
        Execute($"INSERT INTO message_attachment_join VALUES ({message}, {id})");
        return id;
    }

    public void Execute(string sql)
    {
        using var command = _connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    public void Dispose() => _connection.Dispose();

    private long Insert(string sql, params object[] values)
    {
        using var command = _connection.CreateCommand();
        command.CommandText = sql + "; SELECT last_insert_rowid();";
        var names = new[] { "$a", "$b", "$c", "$d", "$e" };
        for (var i = 0; i < values.Length; i++)
        {
            command.Parameters.AddWithValue(names[i], values[i]);
        }

        return Convert.ToInt64(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
    }
}
