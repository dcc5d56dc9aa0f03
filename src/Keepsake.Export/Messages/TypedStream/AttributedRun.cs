namespace Keepsake.Export.Messages.TypedStream;

/// <summary>
/// One run of an attributed body: a range of the text (in UTF-16 code units, as C# strings count)
/// and its attributes, with typed views of the iMessage keys.
/// </summary>
public sealed class AttributedRun
{
    public AttributedRun(int start, int length, string text, IReadOnlyDictionary<string, object?> attributes)
    {
        Start = start;
        Length = length;
        Text = text;
        Attributes = attributes;
    }

    /// <summary>Start of the run in the body text (UTF-16 code units).</summary>
    public int Start { get; }

    /// <summary>Length of the run (UTF-16 code units).</summary>
    public int Length { get; }

    /// <summary>The run's text.</summary>
    public string Text { get; }

    /// <summary>Every attribute, values mapped by <see cref="TypedStreamFoundation"/>.</summary>
    public IReadOnlyDictionary<string, object?> Attributes { get; }

    /// <summary>Body-part index (<c>p:N/</c> tapbacks and replies refer to it).</summary>
    public int? MessagePart => Attributes.TryGetValue(IMAttributeKeys.MessagePart, out var v) && v is long n ? (int)n : null;

    /// <summary>The attachment GUID this run's U+FFFC stands for.</summary>
    public string? AttachmentGuid => Attributes.GetValueOrDefault(IMAttributeKeys.FileTransferGuid) as string;

    /// <summary>The handle (phone or e-mail) of a confirmed @-mention.</summary>
    public string? Mention => Attributes.GetValueOrDefault(IMAttributeKeys.Mention) as string;

    /// <summary>The link target, when the run is a link.</summary>
    public string? Link => Attributes.GetValueOrDefault(IMAttributeKeys.Link) switch
    {
        Uri uri => uri.OriginalString,
        string s => s,
        _ => null,
    };

    /// <summary>An inline attachment's file name.</summary>
    public string? Filename => Attributes.GetValueOrDefault(IMAttributeKeys.Filename) as string;

    /// <summary>An audio message's transcription.</summary>
    public string? AudioTranscription => Attributes.GetValueOrDefault(IMAttributeKeys.AudioTranscription) as string;

    public bool IsBold => IsSet(IMAttributeKeys.Bold);

    public bool IsItalic => IsSet(IMAttributeKeys.Italic);

    public bool IsUnderline => IsSet(IMAttributeKeys.Underline);

    public bool IsStrikethrough => IsSet(IMAttributeKeys.Strikethrough);

    /// <summary>iOS 18 animated text effect id, if any.</summary>
    public long? TextEffect => Attributes.GetValueOrDefault(IMAttributeKeys.TextEffect) as long?;

    private bool IsSet(string key) => Attributes.GetValueOrDefault(key) is long n && n != 0;
}
