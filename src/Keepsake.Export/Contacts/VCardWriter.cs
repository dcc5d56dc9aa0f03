using System.Text;

namespace Keepsake.Export.Contacts;

/// <summary>
/// Writes vCard 4.0 (RFC 6350) content lines: values escaped (§3.4: backslash, comma, semicolon,
/// newline), lines folded at 75 octets with CRLF + space (§3.2) without splitting a UTF-8 sequence.
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

    /// <summary>Escapes a text value: <c>\</c> → <c>\\</c>, <c>,</c> → <c>\,</c>, <c>;</c> → <c>\;</c>, newlines → <c>\n</c>.</summary>
    public static string Escape(string value)
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
                case ';': builder.Append("\\;"); break;
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

    /// <summary>A structured value (N, ADR, ORG): components escaped and joined by <c>;</c>.</summary>
    public static string Structured(params string?[] components) =>
        string.Join(';', components.Select(c => Escape(c ?? string.Empty)));

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
