using System.Globalization;
using System.Text;

namespace Keepsake.Export.Calendar;

/// <summary>
/// Writes iCalendar (RFC 5545) content lines: TEXT escaping (§3.3.11: backslash, semicolon, comma,
/// newline), CRLF line ends and folding at 75 octets (§3.1) without splitting UTF-8 sequences.
/// </summary>
public sealed class ICalendarWriter : IDisposable
{
    private readonly TextWriter _output;

    public ICalendarWriter(TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(output);
        _output = output;
    }

    /// <summary>Escapes a TEXT value: backslash, semicolon, comma, newline.</summary>
    public static string Escape(string value) => Contacts.VCardWriter.EscapeText(value, escapeSemicolon: true);

    /// <summary>UTC date-time form <c>yyyyMMddTHHmmssZ</c>.</summary>
    public static string UtcDateTime(DateTimeOffset value) => value.UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);

    /// <summary>DATE form <c>yyyyMMdd</c>.</summary>
    public static string Date(DateTime value) => value.ToString("yyyyMMdd", CultureInfo.InvariantCulture);

    /// <summary>Writes a folded content line.</summary>
    public void WriteLine(string nameAndParameters, string escapedValue)
    {
        var line = nameAndParameters + ":" + escapedValue;
        var builder = new StringBuilder(line.Length + 8);
        var octets = 0;
        for (var i = 0; i < line.Length; i++)
        {
            var isPair = char.IsHighSurrogate(line[i]) && i + 1 < line.Length && char.IsLowSurrogate(line[i + 1]);
            var size = isPair ? 4 : line[i] < 0x80 ? 1 : line[i] < 0x800 ? 2 : 3;
            if (octets + size > 75)
            {
                builder.Append("\r\n ");
                octets = 1;
            }

            builder.Append(line[i]);
            if (isPair)
            {
                builder.Append(line[++i]);
            }

            octets += size;
        }

        _output.Write(builder.Append("\r\n").ToString());
    }

    public void Dispose() => _output.Dispose();
}
