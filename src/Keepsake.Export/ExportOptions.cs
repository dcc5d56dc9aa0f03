using Keepsake.Export.Messages;

namespace Keepsake.Export;

/// <summary>Options shared by every export kind; each kind reads what applies to it.</summary>
public sealed record ExportOptions
{
    /// <summary>
    /// Output format name, case-insensitive; null picks the kind's default. Messages and WhatsApp:
    /// html (default), txt, csv, json. Contacts: vcf. Calls, Safari, Voicemail, Photos index: csv
    /// (default), json, html. Notes: md (default), txt, html. Calendar: ics.
    /// </summary>
    public string? Format { get; init; }

    /// <summary>Messages only: conversation, participant and date-range filter.</summary>
    public MessageFilter Filter { get; init; } = new();

    /// <summary>Time zone of the timestamps written (stated in the files). Default UTC.</summary>
    public TimeZoneInfo TimeZone { get; init; } = TimeZoneInfo.Utc;

    /// <summary>Photos only: also copy each photo into <c>albums/&lt;album&gt;/</c>.</summary>
    public bool PhotosByAlbum { get; init; }

    /// <summary>Loose messages database only: the folder that <c>~</c> in attachment paths stands for.</summary>
    public string? AttachmentsRoot { get; init; }
}
