namespace Keepsake.Export.Messages;

/// <summary>Output formats of the messages exporter.</summary>
public enum MessageFormat
{
    /// <summary>Plain text, one file per conversation.</summary>
    Txt,

    /// <summary>RFC 4180 CSV, one file per conversation.</summary>
    Csv,

    /// <summary>JSON per conversation, schema docs/schemas/messages.schema.json.</summary>
    Json,

    /// <summary>Self-contained HTML per conversation plus index.html.</summary>
    Html,

    /// <summary>Printable PDF per conversation (Courier, WinAnsi: Latin text only).</summary>
    Pdf,
}
