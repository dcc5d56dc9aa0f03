using System.Globalization;
using System.Text;

namespace Keepsake.Repository.Trees;

/// <summary>
/// Go's string encodings that restic's tree JSON depends on: encoding/json string escaping (with
/// HTML escaping of &lt; &gt; &amp; and U+2028/U+2029) and strconv.Quote/Unquote for node names.
/// </summary>
internal static class GoStrings
{
    private const string Hex = "0123456789abcdef";

    /// <summary>Appends <paramref name="value"/> as a JSON string literal, exactly as Go's encoding/json writes it.</summary>
    public static void AppendJsonString(StringBuilder sb, string value)
    {
        sb.Append('"');
        foreach (var rune in value.EnumerateRunes())
        {
            var c = rune.Value;
            switch (c)
            {
                case '"':
                    sb.Append("\\\"");
                    break;
                case '\\':
                    sb.Append("\\\\");
                    break;
                case '\n':
                    sb.Append("\\n");
                    break;
                case '\r':
                    sb.Append("\\r");
                    break;
                case '\t':
                    sb.Append("\\t");
                    break;
                case '<' or '>' or '&' or 0x2028 or 0x2029:
                    sb.Append("\\u").Append(c.ToString("x4", CultureInfo.InvariantCulture));
                    break;
                default:
                    if (c < 0x20)
                    {
                        sb.Append("\\u00").Append(Hex[c >> 4]).Append(Hex[c & 0xF]);
                    }
                    else
                    {
                        sb.Append(rune.ToString());
                    }

                    break;
            }
        }

        sb.Append('"');
    }

    /// <summary>strconv.Quote without the surrounding quotes.</summary>
    public static string QuoteInner(string value)
    {
        var sb = new StringBuilder(value.Length + 8);
        foreach (var rune in value.EnumerateRunes())
        {
            var c = rune.Value;
            switch (c)
            {
                case '"': sb.Append("\\\""); continue;
                case '\\': sb.Append("\\\\"); continue;
                case '\a': sb.Append("\\a"); continue;
                case '\b': sb.Append("\\b"); continue;
                case '\f': sb.Append("\\f"); continue;
                case '\n': sb.Append("\\n"); continue;
                case '\r': sb.Append("\\r"); continue;
                case '\t': sb.Append("\\t"); continue;
                case '\v': sb.Append("\\v"); continue;
            }

            if (IsPrint(rune))
            {
                sb.Append(rune.ToString());
            }
            else if (c < 0x20 || c == 0x7F)
            {
                sb.Append("\\x").Append(Hex[c >> 4]).Append(Hex[c & 0xF]);
            }
            else if (c < 0x10000)
            {
                sb.Append("\\u").Append(c.ToString("x4", CultureInfo.InvariantCulture));
            }
            else
            {
                sb.Append("\\U").Append(c.ToString("x8", CultureInfo.InvariantCulture));
            }
        }

        return sb.ToString();
    }

    /// <summary>strconv.Unquote of <c>"value"</c>; returns the value unchanged when it holds no escapes.</summary>
    public static string? UnquoteInner(string value)
    {
        if (!value.Contains('\\', StringComparison.Ordinal))
        {
            return value;
        }

        var bytes = new List<byte>(value.Length);
        Span<byte> utf8 = stackalloc byte[4];
        for (var i = 0; i < value.Length; i++)
        {
            var ch = value[i];
            if (ch != '\\')
            {
                var rune = Rune.GetRuneAt(value, i);
                var n = rune.EncodeToUtf8(utf8);
                for (var k = 0; k < n; k++)
                {
                    bytes.Add(utf8[k]);
                }

                i += rune.Utf16SequenceLength - 1;
                continue;
            }

            if (++i >= value.Length)
            {
                return null;
            }

            switch (value[i])
            {
                case 'a': bytes.Add(7); break;
                case 'b': bytes.Add(8); break;
                case 'f': bytes.Add(12); break;
                case 'n': bytes.Add(10); break;
                case 'r': bytes.Add(13); break;
                case 't': bytes.Add(9); break;
                case 'v': bytes.Add(11); break;
                case '\\': bytes.Add((byte)'\\'); break;
                case '"': bytes.Add((byte)'"'); break;
                case '\'': bytes.Add((byte)'\''); break;
                case 'x':
                    if (i + 2 >= value.Length)
                    {
                        return null;
                    }

                    if (!byte.TryParse(value.AsSpan(i + 1, 2), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var xb))
                    {
                        return null;
                    }

                    bytes.Add(xb);
                    i += 2;
                    break;
                case 'u' or 'U':
                    var len = value[i] == 'u' ? 4 : 8;
                    if (i + len >= value.Length)
                    {
                        return null;
                    }

                    if (!int.TryParse(value.AsSpan(i + 1, len), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var cp) || !Rune.IsValid(cp))
                    {
                        return null;
                    }

                    var written = new Rune(cp).EncodeToUtf8(utf8);
                    for (var k = 0; k < written; k++)
                    {
                        bytes.Add(utf8[k]);
                    }

                    i += len;
                    break;
                case >= '0' and <= '7':
                    if (i + 2 >= value.Length)
                    {
                        return null;
                    }

                    bytes.Add((byte)(((value[i] - '0') << 6) | ((value[i + 1] - '0') << 3) | (value[i + 2] - '0')));
                    i += 2;
                    break;
                default:
                    return null;
            }
        }

        return Encoding.UTF8.GetString(bytes.ToArray());
    }

    private static bool IsPrint(Rune rune)
    {
        if (rune.Value == ' ')
        {
            return true;
        }

        return Rune.GetUnicodeCategory(rune) switch
        {
            UnicodeCategory.Control or UnicodeCategory.Format or UnicodeCategory.Surrogate or UnicodeCategory.PrivateUse
                or UnicodeCategory.OtherNotAssigned or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator
                or UnicodeCategory.SpaceSeparator => false,
            _ => true,
        };
    }
}
