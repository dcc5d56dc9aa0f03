using System.Globalization;

namespace Keepsake.Export.Messages.Writers;

/// <summary>RFC 4180 CSV (CRLF line ends, fields quoted when needed), one row per message.</summary>
internal sealed class CsvMessageWriter(TextWriter output, TimeZoneInfo zone) : MessageWriter(output, zone)
{
    /// <summary>Column names, in order.</summary>
    public static readonly string[] Columns =
    [
        "conversation_id", "conversation", "rowid", "guid", "date", "sender_handle", "sender_name", "is_from_me",
        "service", "text", "attachments", "missing_attachments", "reactions", "reply_to_guid", "edited", "unsent", "system_event",
    ];

    private Conversation? _conversation;

    public override void Begin(Conversation conversation, string sourceDescription)
    {
        _conversation = conversation;
        Row(Columns);
    }

    public override void Resume(Conversation conversation) => _conversation = conversation;

    public override void Write(Message message)
    {
        var c = _conversation!;
        Row(
        [
            c.Id.ToString(CultureInfo.InvariantCulture),
            c.Title,
            message.RowId.ToString(CultureInfo.InvariantCulture),
            message.Guid,
            ExportFiles.IsoTime(message.Date, Zone) ?? string.Empty,
            message.Sender.Handle,
            message.Sender.Name ?? string.Empty,
            message.IsFromMe ? "1" : "0",
            message.Service ?? string.Empty,
            message.OrphanTapback is { } t ? $"({t.Describe()} a message not in this database)" : message.Text,
            string.Join("; ", message.Attachments.Where(a => a.ExportedPath is not null).Select(a => a.ExportedPath)),
            string.Join("; ", message.Attachments.Where(a => a.ExportedPath is null).Select(a => a.DisplayName)),
            string.Join("; ", message.Tapbacks.Select(tb => $"{tb.Describe()} by {tb.Sender.Name ?? tb.Sender.Handle}")),
            message.ReplyTo?.Guid ?? string.Empty,
            message.DateEdited is null && message.Edits.Count == 0 ? "0" : "1",
            message.IsUnsent ? "1" : "0",
            message.SystemEvent ?? string.Empty,
        ]);
    }

    public override void End() => Output.Flush();

    /// <summary>Quotes a field when it holds a comma, quote, CR or LF (RFC 4180 §2.6–2.7).</summary>
    public static string Escape(string field) =>
        field.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? $"\"{field.Replace("\"", "\"\"", StringComparison.Ordinal)}\"" : field;

    private void Row(IEnumerable<string> fields)
    {
        Output.Write(string.Join(',', fields.Select(Escape)));
        Output.Write("\r\n");
    }
}
