using System.Globalization;

namespace Keepsake.Repository;

/// <summary>
/// A calendar span as restic's <c>forget --keep-within</c> takes it: years, months, days and hours,
/// written like <c>1y5m7d2h</c>. It is subtracted field by field (see <see cref="SubtractFrom"/>),
/// so "1m" is a calendar month, not 30 days.
/// </summary>
public readonly record struct RetentionDuration(int Years, int Months, int Days, int Hours)
{
    /// <summary>Whether every field is zero (restic then ignores the option).</summary>
    public bool IsZero => Years == 0 && Months == 0 && Days == 0 && Hours == 0;

    /// <summary>
    /// Parses restic's syntax: one or more NUMBER UNIT pairs, units <c>y</c>, <c>m</c> (months),
    /// <c>d</c>, <c>h</c>. A unit given twice keeps its last number, as restic does.
    /// </summary>
    /// <exception cref="FormatException">Not of that form; the message says what is wrong.</exception>
    public static RetentionDuration Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var s = text.Trim();
        if (s.Length == 0)
        {
            throw new FormatException("The duration is empty; expected e.g. 30d, 12h or 1y2m.");
        }

        int years = 0, months = 0, days = 0, hours = 0;
        var i = 0;
        while (i < s.Length)
        {
            var start = i;
            while (i < s.Length && char.IsAsciiDigit(s[i]))
            {
                i++;
            }

            if (i == start)
            {
                throw new FormatException($"Invalid duration '{text}': expected a number at position {start + 1}.");
            }

            if (!int.TryParse(s.AsSpan(start, i - start), NumberStyles.None, CultureInfo.InvariantCulture, out var number))
            {
                throw new FormatException($"Invalid duration '{text}': {s[start..i]} is too large.");
            }

            if (i == s.Length)
            {
                throw new FormatException($"Invalid duration '{text}': no unit after {number} (use y, m, d or h).");
            }

            switch (s[i])
            {
                case 'y':
                    years = number;
                    break;
                case 'm':
                    months = number;
                    break;
                case 'd':
                    days = number;
                    break;
                case 'h':
                    hours = number;
                    break;
                default:
                    throw new FormatException($"Invalid duration '{text}': unknown unit '{s[i]}' (use y, m, d or h).");
            }

            i++;
        }

        return new RetentionDuration(years, months, days, hours);
    }

    /// <summary>
    /// <paramref name="time"/> minus this span, in its own offset: years, months and days are taken
    /// from the date, a day past the end of the month running over into the next (31 March less one
    /// month is 3 March, as Go's <c>AddDate</c> gives; .NET's <c>AddMonths</c> would give 28 February),
    /// then the hours are subtracted.
    /// </summary>
    /// <remarks>A span reaching before the year 1 gives <see cref="DateTimeOffset.MinValue"/>.</remarks>
    public DateTimeOffset SubtractFrom(DateTimeOffset time)
    {
        var month = (long)time.Month - 1 - Months;
        var year = time.Year - (long)Years + (long)Math.Floor(month / 12.0);
        month = ((month % 12) + 12) % 12;
        if (year < 1)
        {
            return DateTimeOffset.MinValue;
        }

        try
        {
            var date = new DateTime((int)year, (int)month + 1, 1).AddDays(time.Day - 1 - (double)Days);
            return new DateTimeOffset(date + time.TimeOfDay, time.Offset).AddHours(-Hours);
        }
        catch (ArgumentOutOfRangeException)
        {
            return DateTimeOffset.MinValue;
        }
    }

    /// <summary>restic's form, e.g. <c>1y2m</c>, <c>0h</c> when zero.</summary>
    public override string ToString()
    {
        var text = string.Concat(
            Years != 0 ? $"{Years}y" : string.Empty,
            Months != 0 ? $"{Months}m" : string.Empty,
            Days != 0 ? $"{Days}d" : string.Empty,
            Hours != 0 ? $"{Hours}h" : string.Empty);
        return text.Length == 0 ? "0h" : text;
    }
}
