using System.Globalization;
using Keepsake.Export.Messages;

namespace Keepsake.Export.WhatsApp;

/// <summary>
/// Words for WhatsApp's system rows, as the app shows them. WhatsApp documents none of these codes;
/// what is rendered is what the data shows (docs/design/exporters.md, "WhatsApp"): a group event
/// (ZMESSAGETYPE 6) whose ZTEXT holds a name is a name change; event 12 is written at the group's
/// creation time (ZWAGROUPINFO.ZCREATIONDATE); type 10 is the first row of every chat, the
/// encryption notice. Other events are named as group updates, never by their number alone.
/// </summary>
internal static class WhatsAppSystemEvent
{
    /// <summary>ZGROUPEVENTTYPE written when the group is created.</summary>
    public const long GroupCreated = 12;

    public static string Describe(long type, long groupEvent, string? actor, string text, Conversation? session)
    {
        if (type == WhatsAppExporter.TypeChatNotice)
        {
            return "Messages and calls are end-to-end encrypted.";
        }

        var who = actor ?? "Someone";
        if (text.Length > 0 && !long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out _))
        {
            return $"{who} changed the group name to \u201C{text}\u201D";
        }

        if (groupEvent == GroupCreated)
        {
            var subject = session?.DisplayName is { Length: > 0 } name ? $" \u201C{name}\u201D" : string.Empty;
            return actor is null ? $"Group{subject} created" : $"{actor} created group{subject}";
        }

        return actor is null ? "Group settings changed" : $"{actor} changed the group";
    }
}
