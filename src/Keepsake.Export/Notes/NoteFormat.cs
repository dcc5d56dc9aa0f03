namespace Keepsake.Export.Notes;

/// <summary>Output formats of the notes exporter.</summary>
public enum NoteFormat
{
    Txt,
    Markdown,
    Html,
}
