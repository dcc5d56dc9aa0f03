using System.Globalization;

namespace Keepsake.Repository.Json;

/// <summary>
/// Go's time.Time JSON form (RFC 3339 with up to 9 fraction digits, trailing zeros trimmed, 'Z'
/// for a zero offset). .NET keeps 100 ns ticks, so parsing truncates the last two digits.
/// </summary>
internal static class GoTime
{
    public static string Format(DateTimeOffset time)
    {
        var text = time.ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture);
        var ticks = time.Ticks % TimeSpan.TicksPerSecond;
        if (ticks != 0)
        {
            text += "." + (ticks * 100).ToString("D9", CultureInfo.InvariantCulture).TrimEnd('0');
        }

        if (time.Offset == TimeSpan.Zero)
        {
            return text + "Z";
        }

        var offset = time.Offset;
        var sign = offset < TimeSpan.Zero ? '-' : '+';
        offset = offset.Duration();
        return text + sign + offset.Hours.ToString("D2", CultureInfo.InvariantCulture) + ":" + offset.Minutes.ToString("D2", CultureInfo.InvariantCulture);
    }

    public static bool TryParse(string? text, out DateTimeOffset time)
    {
        time = default;
        if (string.IsNullOrEmpty(text) || text.Length < 20)
        {
            return false;
        }

        // yyyy-MM-ddTHH:mm:ss[.fffffffff](Z|±hh:mm)
        var dot = text.IndexOf('.', 19);
        var zoneStart = text.Length - 1;
        if (text[^1] != 'Z' && text[^1] != 'z')
        {
            zoneStart = text.Length - 6;
        }

        if (zoneStart < 19)
        {
            return false;
        }

        if (!DateTime.TryParseExact(text[..19], "yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture, DateTimeStyles.None, out var dt))
        {
            return false;
        }

        long fractionTicks = 0;
        if (dot == 19)
        {
            var digits = text[20..zoneStart];
            if (digits.Length is 0 or > 9 || !digits.All(char.IsAsciiDigit))
            {
                return false;
            }

            var ns = long.Parse(digits.PadRight(9, '0'), CultureInfo.InvariantCulture);
            fractionTicks = ns / 100;
        }
        else if (zoneStart != 19)
        {
            return false;
        }

        var offset = TimeSpan.Zero;
        if (zoneStart == text.Length - 6)
        {
            var zone = text[zoneStart..];
            if ((zone[0] != '+' && zone[0] != '-') || zone[3] != ':'
                || !int.TryParse(zone.AsSpan(1, 2), NumberStyles.None, CultureInfo.InvariantCulture, out var hh)
                || !int.TryParse(zone.AsSpan(4, 2), NumberStyles.None, CultureInfo.InvariantCulture, out var mm))
            {
                return false;
            }

            offset = new TimeSpan(hh, mm, 0);
            if (zone[0] == '-')
            {
                offset = -offset;
            }
        }

        try
        {
            time = new DateTimeOffset(dt.Ticks + fractionTicks, offset);
            return true;
        }
        catch (ArgumentOutOfRangeException)
        {
            return false;
        }
    }
}
