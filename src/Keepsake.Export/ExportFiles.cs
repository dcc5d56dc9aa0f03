using System.Globalization;
using System.Text;

namespace Keepsake.Export;

/// <summary>File-name and writing helpers shared by the exporters.</summary>
internal static class ExportFiles
{
    /// <summary>UTF-8 without a byte-order mark.</summary>
    public static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false);

    /// <summary>
    /// A file-name segment from untrusted text (a contact name, a transfer name): no separators,
    /// control characters or reserved names, at most <paramref name="maxLength"/> characters.
    /// The result still goes through SafePath.
    /// </summary>
    public static string SafeSegment(string? text, string fallback, int maxLength = 80)
    {
        var builder = new StringBuilder();
        foreach (var ch in text ?? string.Empty)
        {
            if (char.IsControl(ch) || ch is '/' or '\\' or ':' or '*' or '?' or '"' or '<' or '>' or '|' || char.IsSurrogate(ch))
            {
                builder.Append('_');
            }
            else
            {
                builder.Append(ch);
            }

            if (builder.Length >= maxLength)
            {
                break;
            }
        }

        var result = builder.ToString().Trim().Trim('.');
        return result.Length == 0 || result is "." or ".." ? fallback : result;
    }

    /// <summary>Formats an instant in the export's time zone, e.g. <c>2020-03-01 14:05:09 +01:00</c>.</summary>
    public static string FormatTime(DateTimeOffset? value, TimeZoneInfo zone) =>
        value is { } v ? TimeZoneInfo.ConvertTime(v, zone).ToString("yyyy-MM-dd HH:mm:ss zzz", CultureInfo.InvariantCulture) : string.Empty;

    /// <summary>ISO 8601 with offset in the export's time zone.</summary>
    public static string? IsoTime(DateTimeOffset? value, TimeZoneInfo zone) =>
        value is { } v ? TimeZoneInfo.ConvertTime(v, zone).ToString("yyyy-MM-dd'T'HH:mm:ss.fffzzz", CultureInfo.InvariantCulture) : null;

    /// <summary>Describes a time zone for headers: "Europe/Paris (UTC+01:00 at export time)".</summary>
    public static string DescribeZone(TimeZoneInfo zone) =>
        $"{zone.Id} (UTC{(zone.BaseUtcOffset < TimeSpan.Zero ? "-" : "+")}{zone.BaseUtcOffset:hh\\:mm} standard offset)";

    /// <summary>Moves a finished temporary file into place, replacing any older copy.</summary>
    public static void Commit(string partial, string final)
    {
        File.Move(partial, final, overwrite: true);
    }

    /// <summary>Deletes a temporary file, ignoring errors.</summary>
    public static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
