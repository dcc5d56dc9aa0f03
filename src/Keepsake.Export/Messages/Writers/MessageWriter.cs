namespace Keepsake.Export.Messages.Writers;

/// <summary>Writes one conversation to one file: a header, each message in order, a footer.</summary>
internal abstract class MessageWriter : IDisposable
{
    protected MessageWriter(TextWriter output, TimeZoneInfo zone)
    {
        Output = output;
        Zone = zone;
    }

    protected TextWriter Output { get; }

    protected TimeZoneInfo Zone { get; }

    /// <summary>File extension, without the dot.</summary>
    public static string Extension(MessageFormat format) => format switch
    {
        MessageFormat.Txt => "txt",
        MessageFormat.Csv => "csv",
        MessageFormat.Json => "json",
        MessageFormat.Html => "html",
        MessageFormat.Pdf => "pdf",
        _ => throw new ArgumentOutOfRangeException(nameof(format)),
    };

    public static MessageWriter Create(MessageFormat format, Stream stream, TimeZoneInfo zone) => format switch
    {
        MessageFormat.Txt => new TxtMessageWriter(new StreamWriter(stream, ExportFiles.Utf8, 1 << 16), zone),
        MessageFormat.Csv => new CsvMessageWriter(new StreamWriter(stream, ExportFiles.Utf8, 1 << 16), zone),
        MessageFormat.Json => new JsonMessageWriter(stream, zone),
        MessageFormat.Html => new HtmlMessageWriter(new StreamWriter(stream, ExportFiles.Utf8, 1 << 16), zone),
        MessageFormat.Pdf => new PdfMessageWriter(stream, zone),
        _ => throw new ArgumentOutOfRangeException(nameof(format)),
    };

    public abstract void Begin(Conversation conversation, string sourceDescription);

    public abstract void Write(Message message);

    public abstract void End();

    public virtual void Dispose() => Output.Dispose();

    protected string Time(DateTimeOffset? value) => ExportFiles.FormatTime(value, Zone);

    protected static string SenderLabel(Participant sender) =>
        sender.Name is null ? sender.Handle : sender.Name == "Me" ? "Me" : $"{sender.Name} ({sender.Handle})";
}
