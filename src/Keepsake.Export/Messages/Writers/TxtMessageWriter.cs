namespace Keepsake.Export.Messages.Writers;

/// <summary>Plain text: a header, then one block per message with its time, sender, text and details.</summary>
internal sealed class TxtMessageWriter(TextWriter output, TimeZoneInfo zone) : MessageWriter(output, zone)
{
    public override void Begin(Conversation conversation, string sourceDescription)
    {
        Output.WriteLine($"Conversation: {conversation.Title}");
        if (conversation.Participants.Count > 0)
        {
            Output.WriteLine($"Participants: {string.Join(", ", conversation.Participants.Select(p => p.DisplayName))}");
        }

        if (conversation.Service is not null)
        {
            Output.WriteLine($"Service: {conversation.Service}");
        }

        Output.WriteLine($"Times: {ExportFiles.DescribeZone(Zone)}");
        Output.WriteLine($"Source: {sourceDescription}");
        Output.WriteLine(new string('=', 72));
        Output.WriteLine();
    }

    public override void Resume(Conversation conversation)
    {
        // Nothing to restore: every message is written on its own.
    }

    public override void Write(Message message)
    {
        var service = message.Service is null ? string.Empty : $" via {message.Service}";
        Output.WriteLine($"[{Time(message.Date)}] {SenderLabel(message.Sender)}{service}:");
        if (message.SystemEvent is not null)
        {
            Output.WriteLine($"    ({message.SystemEvent})");
        }

        if (message.OrphanTapback is { } orphan)
        {
            Output.WriteLine($"    ({orphan.Describe()} a message that is not in this database)");
        }

        if (message.ReplyTo is { } reply)
        {
            Output.WriteLine($"    > in reply to: {reply.Snippet ?? reply.Guid}");
        }

        if (message.Subject is { Length: > 0 } subject)
        {
            Output.WriteLine($"    Subject: {subject}");
        }

        foreach (var line in message.Text.Split('\n'))
        {
            if (message.Text.Length > 0)
            {
                Output.WriteLine($"    {line.TrimEnd('\r')}");
            }
        }

        if (message.IsUnsent)
        {
            Output.WriteLine("    (unsent)");
        }

        foreach (var edit in message.Edits)
        {
            foreach (var version in edit.Versions.Take(edit.Versions.Count - 1))
            {
                Output.WriteLine($"    (earlier version, part {edit.Part}, {Time(version.Date)}: {version.Text})");
            }
        }

        foreach (var attachment in message.Attachments)
        {
            Output.WriteLine(attachment.ExportedPath is not null
                ? $"    Attachment: {attachment.DisplayName} -> {attachment.ExportedPath}"
                : $"    Attachment: {attachment.DisplayName} (missing: {attachment.MissingReason})");
        }

        foreach (var tapback in message.Tapbacks)
        {
            Output.WriteLine($"    Reaction: {tapback.Describe()} by {SenderLabel(tapback.Sender)} at {Time(tapback.Date)}");
        }

        if (message.ReplyCount > 0)
        {
            Output.WriteLine($"    ({message.ReplyCount} repl{(message.ReplyCount == 1 ? "y" : "ies")})");
        }

        if (message.IsRecentlyDeleted)
        {
            Output.WriteLine("    (in Recently Deleted)");
        }

        if (message.BodyDiagnostic is not null)
        {
            Output.WriteLine($"    (note: {message.BodyDiagnostic})");
        }

        Output.WriteLine();
    }

    public override void End() => Output.Flush();
}
