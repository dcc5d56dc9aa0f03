using System.Text;

namespace Keepsake.Export.Contacts;

/// <summary>
/// Writes vCard 4.0 (RFC 6350) content lines: text values escaped (§3.4: backslash, comma, newline;
/// semicolon too inside the fields of compound properties), URI values unescaped, lines folded at 75 octets with CRLF + space (§3.2) without splitting a UTF-8 sequence.
/// </summary>
public sealed class VCardWriter : IDisposable
{
    /// <summary>Longest line in octets, CRLF excluded (RFC 6350 §3.2).</summary>
    public const int MaxLineOctets = 75;

    private readonly TextWriter _output;

    public VCardWriter(TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(output);
        _output = output;
    }

    /// <summary>
    /// Escapes a text value: <c>\</c> → <c>\\</c>, <c>,</c> → <c>\,</c>, newlines → <c>\n</c>; other control
    /// characters but tab are dropped. A semicolon is left alone: RFC 6350 §3.4 lets it be escaped
    /// outside compound properties, but some readers (ical.js, and so Thunderbird) then keep the backslash.
    /// </summary>
    public static string Escape(string value) => EscapeText(value, escapeSemicolon: false);

    /// <summary>A structured value (N, ADR, ORG): each field escaped, its semicolons too, joined by <c>;</c>.</summary>
    public static string Structured(params string?[] components) =>
        string.Join(';', components.Select(c => EscapeText(c ?? string.Empty, escapeSemicolon: true)));

    /// <summary>A URI value (URL, UID, PHOTO): never escaped (§3.4), control characters and spaces around it removed.</summary>
    public static string UriValue(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return string.Concat(value.Trim().Where(c => !char.IsControl(c)));
    }

    /// <summary>The TEXT escaping shared with iCalendar (RFC 5545 §3.3.11, where semicolons are always escaped).</summary>
    internal static string EscapeText(string value, bool escapeSemicolon)
    {
        ArgumentNullException.ThrowIfNull(value);
        var builder = new StringBuilder(value.Length + 8);
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            switch (c)
            {
                case '\\': builder.Append("\\\\"); break;
                case ',': builder.Append("\\,"); break;
                case ';' when escapeSemicolon: builder.Append("\\;"); break;
                case '\r':
                    if (i + 1 < value.Length && value[i + 1] == '\n')
                    {
                        i++;
                    }

                    builder.Append("\\n");
                    break;
                case '\n': builder.Append("\\n"); break;
                default:
                    if (!char.IsControl(c) || c == '\t')
                    {
                        builder.Append(c);
                    }

                    break;
            }
        }

        return builder.ToString();
    }

    /// <summary>Writes <c>NAME[;params]:value</c> (value already escaped), folded.</summary>
    public void WriteLine(string nameAndParameters, string escapedValue)
    {
        ArgumentException.ThrowIfNullOrEmpty(nameAndParameters);
        ArgumentNullException.ThrowIfNull(escapedValue);
        WriteFolded(nameAndParameters + ":" + escapedValue);
    }

    public void Dispose() => _output.Dispose();

    /// <summary>Flushes the underlying writer.</summary>
    public void Flush() => _output.Flush();

    private void WriteFolded(string line)
    {
        var octets = 0;
        var limit = MaxLineOctets;
        for (var i = 0; i < line.Length; i++)
        {
            var isPair = char.IsHighSurrogate(line[i]) && i + 1 < line.Length && char.IsLowSurrogate(line[i + 1]);
            var size = isPair ? 4 : line[i] < 0x80 ? 1 : line[i] < 0x800 ? 2 : 3;
            if (octets + size > limit)
            {
                _output.Write("\r\n ");
                octets = 0;
                limit = MaxLineOctets - 1; // the leading space counts
            }

            _output.Write(line[i]);
            if (isPair)
            {
                _output.Write(line[++i]);
            }

            octets += size;
        }

        _output.Write("\r\n");
    }
}
