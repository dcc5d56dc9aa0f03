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

    /// <summary>Whether a file of this format can be closed after some messages and continued later by appending (see <see cref="Resume"/>).</summary>
    public static bool CanResume(MessageFormat format) => format is MessageFormat.Txt or MessageFormat.Csv or MessageFormat.Html;

    /// <param name="format">The format.</param>
    /// <param name="stream">The file; owned by the writer.</param>
    /// <param name="zone">Time zone of the times written.</param>
    /// <param name="bufferSize">Characters buffered by a text writer (the exporter keeps many files open when it reads by date, with smaller buffers).</param>
    public static MessageWriter Create(MessageFormat format, Stream stream, TimeZoneInfo zone, int bufferSize = 1 << 16) => format switch
    {
        MessageFormat.Txt => new TxtMessageWriter(new StreamWriter(stream, ExportFiles.Utf8, bufferSize), zone),
        MessageFormat.Csv => new CsvMessageWriter(new StreamWriter(stream, ExportFiles.Utf8, bufferSize), zone),
        MessageFormat.Json => new JsonMessageWriter(stream, zone),
        MessageFormat.Html => new HtmlMessageWriter(new StreamWriter(stream, ExportFiles.Utf8, bufferSize), zone),
        MessageFormat.Pdf => new PdfMessageWriter(stream, zone),
        _ => throw new ArgumentOutOfRangeException(nameof(format)),
    };

    public abstract void Begin(Conversation conversation, string sourceDescription);

    /// <summary>Continues a file that <see cref="Begin"/> started and an earlier writer left (its stream is positioned at the end); only for formats that <see cref="CanResume"/>.</summary>
    public virtual void Resume(Conversation conversation) => throw new NotSupportedException($"{GetType().Name} cannot continue a file.");

    public abstract void Write(Message message);

    public abstract void End();

    public virtual void Dispose() => Output.Dispose();

    protected string Time(DateTimeOffset? value) => ExportFiles.FormatTime(value, Zone);

    protected static string SenderLabel(Participant sender) =>
        sender.Name is null ? sender.Handle : sender.Name == "Me" ? "Me" : $"{sender.Name} ({sender.Handle})";
}
