using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Keepsake.Export.Calendar;

/// <summary>
/// One row of Calendar.sqlitedb's Recurrence table turned into an RFC 5545 RRULE. The row holds
/// <c>frequency</c> (1 daily, 2 weekly, 3 monthly, 4 yearly), <c>interval</c>, <c>count</c>,
/// <c>end_date</c> (Core Data seconds) and <c>specifier</c>, a semicolon list of
/// <c>D=</c> weekdays (<c>0MO</c> every Monday, <c>+2TU</c> the second Tuesday, <c>-1FR</c> the last Friday),
/// <c>M=</c> days of the month, <c>O=</c> months and <c>S=</c> a set position. See
/// docs/design/exporters.md, "Calendar", for where these codes were checked.
/// </summary>
public sealed partial record CalendarRecurrence(long Frequency, long Interval, long Count, DateTimeOffset? Until, string? Specifier)
{
    private static readonly string[] Frequencies = ["DAILY", "WEEKLY", "MONTHLY", "YEARLY"];

    [GeneratedRegex(@"^([+-]?\d{1,2})?(MO|TU|WE|TH|FR|SA|SU)$")]
    private static partial Regex Weekday();

    [GeneratedRegex(@"^-?\d{1,3}$")]
    private static partial Regex Number();

    /// <summary>The RRULE value, or null when the frequency is not one iCalendar knows.</summary>
    /// <param name="allDay">An all-day series ends on a DATE, a timed one at a UTC DATE-TIME.</param>
    public string? ToRule(bool allDay)
    {
        if (Frequency is < 1 or > 4)
        {
            return null;
        }

        var rule = new StringBuilder("FREQ=").Append(Frequencies[Frequency - 1]);
        if (Interval > 1)
        {
            rule.Append(CultureInfo.InvariantCulture, $";INTERVAL={Interval}");
        }

        if (Count > 0)
        {
            rule.Append(CultureInfo.InvariantCulture, $";COUNT={Count}");
        }
        else if (Until is { } until)
        {
            rule.Append(";UNTIL=").Append(allDay ? ICalendarWriter.Date(until.AddHours(12).UtcDateTime.Date) : ICalendarWriter.UtcDateTime(until));
        }

        foreach (var part in (Specifier ?? string.Empty).Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var pair = part.Split('=', 2);
            if (pair.Length != 2)
            {
                continue;
            }

            var values = pair[1].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            switch (pair[0])
            {
                case "D":
                    var days = values.Select(v => Weekday().Match(v)).Where(m => m.Success)
                        .Select(m => (m.Groups[1].Success && int.Parse(m.Groups[1].Value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture) is var n and not 0 ? n.ToString(CultureInfo.InvariantCulture) : string.Empty) + m.Groups[2].Value)
                        .ToList();
                    if (days.Count > 0)
                    {
                        rule.Append(";BYDAY=").Append(string.Join(',', days));
                    }

                    break;
                case "M":
                    Append(rule, "BYMONTHDAY", values, 31);
                    break;
                case "O":
                    Append(rule, "BYMONTH", values, 12);
                    break;
                case "S":
                    Append(rule, "BYSETPOS", values, 366);
                    break;
            }
        }

        return rule.ToString();
    }

    private static void Append(StringBuilder rule, string name, string[] values, int max)
    {
        var numbers = values.Where(v => Number().IsMatch(v))
            .Select(v => int.Parse(v, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture))
            .Where(n => n != 0 && Math.Abs(n) <= max && (name != "BYMONTH" || n > 0))
            .ToList();
        if (numbers.Count > 0)
        {
            rule.Append(';').Append(name).Append('=').Append(string.Join(',', numbers.Select(n => n.ToString(CultureInfo.InvariantCulture))));
        }
    }
}
