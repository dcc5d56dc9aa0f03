namespace Keepsake.Export;

/// <summary>What to export (the KIND of <c>keepsake export KIND SOURCE DEST</c>).</summary>
public enum ExportKind
{
    Messages,
    Contacts,
    Calls,
    Photos,
    Notes,
    Voicemail,
    Calendar,
    Safari,
    WhatsApp,
}
