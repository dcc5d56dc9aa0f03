namespace Keepsake.Service.Configuration;

/// <summary>A daily window in local time, <c>from</c> inclusive to <c>to</c> exclusive; wraps past midnight when <c>to</c> is earlier.</summary>
public sealed record TimeWindow(TimeOnly From, TimeOnly To)
{
    public bool Contains(TimeOnly time) =>
        From <= To ? time >= From && time < To : time >= From || time < To;

    /// <summary>The first moment at or after <paramref name="now"/> that lies in the window.</summary>
    public DateTimeOffset NextOpening(DateTimeOffset now)
    {
        var time = TimeOnly.FromDateTime(now.DateTime);
        if (Contains(time))
        {
            return now;
        }

        var today = new DateTimeOffset(now.Date + From.ToTimeSpan(), now.Offset);
        return today >= now ? today : today.AddDays(1);
    }
}
