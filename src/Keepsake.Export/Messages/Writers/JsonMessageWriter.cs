using System.Text.Encodings.Web;
using System.Text.Json;

namespace Keepsake.Export.Messages.Writers;

/// <summary>
/// One JSON document per conversation, streamed with <see cref="Utf8JsonWriter"/> (no reflection).
/// Layout: docs/schemas/messages.schema.json.
/// </summary>
internal sealed class JsonMessageWriter : MessageWriter
{
    /// <summary>Value of the top-level "format" property.</summary>
    public const string FormatName = "keepsake-messages";

    /// <summary>Value of the top-level "version" property.</summary>
    public const int FormatVersion = 1;

    private readonly Stream _stream;
    private readonly Utf8JsonWriter _json;

    public JsonMessageWriter(Stream stream, TimeZoneInfo zone)
        : base(TextWriter.Null, zone)
    {
        _stream = stream;
        _json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
    }

    public override void Begin(Conversation conversation, string sourceDescription)
    {
        _json.WriteStartObject();
        _json.WriteString("format", FormatName);
        _json.WriteNumber("version", FormatVersion);
        _json.WriteString("timeZone", Zone.Id);
        _json.WriteString("source", sourceDescription);
        _json.WriteStartObject("conversation");
        _json.WriteNumber("id", conversation.Id);
        WriteNullable("guid", conversation.Guid);
        WriteNullable("identifier", conversation.Identifier);
        _json.WriteString("title", conversation.Title);
        WriteNullable("displayName", conversation.DisplayName);
        WriteNullable("service", conversation.Service);
        _json.WriteBoolean("isGroup", conversation.IsGroup);
        _json.WriteStartArray("participants");
        foreach (var p in conversation.Participants)
        {
            WriteParticipant(null, p);
        }

        _json.WriteEndArray();
        _json.WriteEndObject();
        _json.WriteStartArray("messages");
    }

    public override void Write(Message message)
    {
        _json.WriteStartObject();
        _json.WriteNumber("rowId", message.RowId);
        _json.WriteString("guid", message.Guid);
        WriteTime("date", message.Date);
        WriteTime("dateRead", message.DateRead);
        WriteTime("dateDelivered", message.DateDelivered);
        WriteTime("dateEdited", message.DateEdited);
        WriteTime("dateRetracted", message.DateRetracted);
        _json.WriteBoolean("isFromMe", message.IsFromMe);
        WriteParticipant("sender", message.Sender);
        WriteNullable("service", message.Service);
        _json.WriteString("text", message.Text);
        WriteNullable("subject", message.Subject);
        _json.WriteStartArray("runs");
        foreach (var run in message.Body?.Runs ?? [])
        {
            if (run.Link is null && run.Mention is null && !run.IsBold && !run.IsItalic && !run.IsUnderline && !run.IsStrikethrough && run.TextEffect is null)
            {
                continue;
            }

            _json.WriteStartObject();
            _json.WriteNumber("start", run.Start);
            _json.WriteNumber("length", run.Length);
            WriteNullable("link", run.Link);
            WriteNullable("mention", run.Mention);
            _json.WriteBoolean("bold", run.IsBold);
            _json.WriteBoolean("italic", run.IsItalic);
            _json.WriteBoolean("underline", run.IsUnderline);
            _json.WriteBoolean("strikethrough", run.IsStrikethrough);
            if (run.TextEffect is { } effect)
            {
                _json.WriteNumber("textEffect", effect);
            }

            _json.WriteEndObject();
        }

        _json.WriteEndArray();
        _json.WriteStartArray("attachments");
        foreach (var a in message.Attachments)
        {
            _json.WriteStartObject();
            _json.WriteNumber("rowId", a.RowId);
            WriteNullable("guid", a.Guid);
            _json.WriteString("name", a.DisplayName);
            WriteNullable("mimeType", a.MimeType);
            WriteNullable("uti", a.Uti);
            _json.WriteNumber("totalBytes", a.TotalBytes);
            WriteTime("created", a.Created);
            _json.WriteBoolean("isSticker", a.IsSticker);
            WriteNullable("path", a.ExportedPath);
            WriteNullable("missingReason", a.MissingReason);
            _json.WriteEndObject();
        }

        _json.WriteEndArray();
        _json.WriteStartArray("tapbacks");
        foreach (var t in message.Tapbacks)
        {
            WriteTapback(t);
        }

        _json.WriteEndArray();
        if (message.OrphanTapback is { } orphan)
        {
            _json.WritePropertyName("orphanTapback");
            WriteTapback(orphan);
        }

        if (message.ReplyTo is { } reply)
        {
            _json.WriteStartObject("replyTo");
            _json.WriteString("guid", reply.Guid);
            if (reply.Part is { } part)
            {
                _json.WriteNumber("part", part);
            }

            WriteNullable("snippet", reply.Snippet);
            _json.WriteEndObject();
        }

        _json.WriteNumber("replyCount", message.ReplyCount);
        _json.WriteStartArray("edits");
        foreach (var edit in message.Edits)
        {
            _json.WriteStartObject();
            _json.WriteNumber("part", edit.Part);
            _json.WriteStartArray("versions");
            foreach (var v in edit.Versions)
            {
                _json.WriteStartObject();
                WriteTime("date", v.Date);
                _json.WriteString("text", v.Text);
                _json.WriteEndObject();
            }

            _json.WriteEndArray();
            _json.WriteEndObject();
        }

        _json.WriteEndArray();
        _json.WriteStartArray("unsentParts");
        foreach (var p in message.UnsentParts)
        {
            _json.WriteNumberValue(p);
        }

        _json.WriteEndArray();
        _json.WriteBoolean("isUnsent", message.IsUnsent);
        _json.WriteBoolean("isRecentlyDeleted", message.IsRecentlyDeleted);
        WriteNullable("systemEvent", message.SystemEvent);
        WriteNullable("effect", message.Effect);
        WriteNullable("balloonBundleId", message.BalloonBundleId);
        _json.WriteBoolean("isAudioMessage", message.IsAudioMessage);
        WriteNullable("bodyDiagnostic", message.BodyDiagnostic);
        _json.WriteEndObject();
        if (_json.BytesPending > 1 << 16)
        {
            _json.Flush();
        }
    }

    public override void End()
    {
        _json.WriteEndArray();
        _json.WriteEndObject();
        _json.Flush();
    }

    public override void Dispose()
    {
        _json.Dispose();
        _stream.Dispose();
    }

    private void WriteTapback(Tapback t)
    {
        _json.WriteStartObject();
        _json.WriteNumber("rowId", t.RowId);
        _json.WriteString("kind", t.IsStickerPlacement ? "stickerPlaced" : t.Kind.ToString().ToLowerInvariant());
        _json.WriteBoolean("removed", t.IsRemoved);
        WriteNullable("emoji", t.Emoji);
        WriteParticipant("sender", t.Sender);
        WriteTime("date", t.Date);
        if (t.Part is { } part)
        {
            _json.WriteNumber("part", part);
        }

        _json.WriteEndObject();
    }

    private void WriteParticipant(string? name, Participant p)
    {
        if (name is null)
        {
            _json.WriteStartObject();
        }
        else
        {
            _json.WriteStartObject(name);
        }

        _json.WriteString("handle", p.Handle);
        WriteNullable("name", p.Name);
        _json.WriteEndObject();
    }

    private void WriteTime(string name, DateTimeOffset? value)
    {
        if (ExportFiles.IsoTime(value, Zone) is { } text)
        {
            _json.WriteString(name, text);
        }
        else
        {
            _json.WriteNull(name);
        }
    }

    private void WriteNullable(string name, string? value)
    {
        if (value is null)
        {
            _json.WriteNull(name);
        }
        else
        {
            _json.WriteString(name, value);
        }
    }
}
