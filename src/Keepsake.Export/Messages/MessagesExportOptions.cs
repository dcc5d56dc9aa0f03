namespace Keepsake.Export.Messages;

/// <summary>How to export messages.</summary>
public sealed record MessagesExportOptions
{
    public MessageFormat Format { get; init; } = MessageFormat.Html;

    public MessageFilter Filter { get; init; } = new();

    /// <summary>Time zone for every timestamp written (stated in each file). Default UTC.</summary>
    public TimeZoneInfo TimeZone { get; init; } = TimeZoneInfo.Utc;

    /// <summary>Copy attachment files into <c>attachments/</c> (otherwise they are only listed).</summary>
    public bool CopyAttachments { get; init; } = true;
}
