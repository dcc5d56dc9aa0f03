namespace Keepsake.Export;

/// <summary>Formats of the list-shaped exports (calls, Safari history, voicemail, photos index).</summary>
public enum TableFormat
{
    Csv,
    Json,
    Html,
}
