namespace Keepsake.Export.Messages.TypedStream;

/// <summary>Attribute names found in the runs of iMessage bodies (docs/design/exporters.md, "attribute keys").</summary>
public static class IMAttributeKeys
{
    public const string MessagePart = "__kIMMessagePartAttributeName";
    public const string BaseWritingDirection = "__kIMBaseWritingDirectionAttributeName";
    public const string FileTransferGuid = "__kIMFileTransferGUIDAttributeName";
    public const string Filename = "__kIMFilenameAttributeName";
    public const string InlineMediaWidth = "__kIMInlineMediaWidthAttributeName";
    public const string InlineMediaHeight = "__kIMInlineMediaHeightAttributeName";
    public const string Mention = "__kIMMentionConfirmedMention";
    public const string Link = "__kIMLinkAttributeName";
    public const string LinkIsRichLink = "__kIMLinkIsRichLinkAttributeName";
    public const string DataDetected = "__kIMDataDetectedAttributeName";
    public const string PhoneNumber = "__kIMPhoneNumberAttributeName";
    public const string Address = "__kIMAddressAttributeName";
    public const string CalendarEvent = "__kIMCalendarEventAttributeName";
    public const string OneTimeCode = "__kIMOneTimeCodeAttributeName";
    public const string Bold = "__kIMTextBoldAttributeName";
    public const string Italic = "__kIMTextItalicAttributeName";
    public const string Underline = "__kIMTextUnderlineAttributeName";
    public const string Strikethrough = "__kIMTextStrikethroughAttributeName";
    public const string TextEffect = "__kIMTextEffectAttributeName";
    public const string AudioTranscription = "IMAudioTranscription";
}
