using Keepsake.Export.Pdf;

namespace Keepsake.Export.Messages.Writers;

/// <summary>
/// A printable PDF per conversation: the conversation title on every page, page numbers, and for
/// every message its full timestamp with offset, its sender (name and handle), text, attachments,
/// reactions and edits, in the system's TrueType fonts embedded as subsets (any script they cover),
/// else in Courier (Windows-1252 only); see <see cref="PdfTextDocument"/>.
/// </summary>
internal sealed class PdfMessageWriter : MessageWriter
{
    private readonly Stream _stream;
    private PdfTextDocument? _document;

    public PdfMessageWriter(Stream stream, TimeZoneInfo zone)
        : base(TextWriter.Null, zone)
    {
        _stream = stream;
    }

    public override void Begin(Conversation conversation, string sourceDescription)
    {
        _document = new PdfTextDocument(_stream, $"{conversation.Title} - times {Zone.Id}", PdfFonts.System);
        _document.Paragraph($"Conversation: {conversation.Title}", bold: true);
        if (conversation.Participants.Count > 0)
        {
            _document.Paragraph($"Participants: {string.Join(", ", conversation.Participants.Select(p => p.DisplayName))}");
        }

        _document.Paragraph($"All times: {ExportFiles.DescribeZone(Zone)}");
        _document.Paragraph($"Source: {sourceDescription}");
        _document.Gap();
    }

    public override void Write(Message message)
    {
        var d = _document!;
        d.Paragraph($"[{Time(message.Date)}] {SenderLabel(message.Sender)}{(message.Service is null ? string.Empty : " via " + message.Service)}", bold: true);
        if (message.SystemEvent is not null)
        {
            d.Paragraph($"({message.SystemEvent})", indent: 2);
        }

        if (message.OrphanTapback is { } orphan)
        {
            d.Paragraph($"({orphan.Describe()} a message that is not in this database)", indent: 2);
        }

        if (message.ReplyTo is { } reply)
        {
            d.Paragraph($"> in reply to: {reply.Snippet ?? reply.Guid}", indent: 2);
        }

        if (message.Text.Length > 0)
        {
            d.Paragraph(message.Text, indent: 2);
        }

        if (message.IsUnsent)
        {
            d.Paragraph("(unsent)", indent: 2);
        }

        foreach (var edit in message.Edits)
        {
            foreach (var version in edit.Versions.Take(edit.Versions.Count - 1))
            {
                d.Paragraph($"(earlier version, {Time(version.Date)}: {version.Text})", indent: 2);
            }
        }

        foreach (var attachment in message.Attachments)
        {
            d.Paragraph(attachment.ExportedPath is not null ? $"Attachment: {attachment.DisplayName} ({attachment.ExportedPath})" : $"Attachment: {attachment.DisplayName} (missing: {attachment.MissingReason})", indent: 2);
        }

        foreach (var tapback in message.Tapbacks)
        {
            d.Paragraph($"Reaction: {tapback.Describe()} by {SenderLabel(tapback.Sender)} at {Time(tapback.Date)}", indent: 2);
        }

        if (message.BodyDiagnostic is not null)
        {
            d.Paragraph($"(note: {message.BodyDiagnostic})", indent: 2);
        }

        d.Gap();
    }

    public override void End() => _document!.Finish();

    public override void Dispose()
    {
        if (_document is not null)
        {
            _document.Dispose();
        }
        else
        {
            _stream.Dispose();
        }
    }
}
