using System.Globalization;

namespace Keepsake.Cli;

/// <summary>A remaining time as people read it: "5 s", "3 min 20 s", "1 h 5 min".</summary>
internal static class TimeLeft
{
    public static string Format(TimeSpan time)
    {
        var t = time < TimeSpan.Zero ? TimeSpan.Zero : time;
        return t.TotalHours >= 1 ? string.Create(CultureInfo.InvariantCulture, $"{(int)t.TotalHours} h {t.Minutes} min")
            : t.TotalMinutes >= 1 ? string.Create(CultureInfo.InvariantCulture, $"{(int)t.TotalMinutes} min {t.Seconds} s")
            : string.Create(CultureInfo.InvariantCulture, $"{Math.Max(1, (int)Math.Ceiling(t.TotalSeconds))} s");
    }
}
