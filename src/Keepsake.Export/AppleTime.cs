namespace Keepsake.Export;

/// <summary>Converts Apple timestamps (docs/design/exporters.md, "Dates").</summary>
public static class AppleTime
{
    /// <summary>2001-01-01T00:00:00Z, the epoch of Core Data, sms.db and NSDate.</summary>
    public static readonly DateTimeOffset Epoch = new(2001, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>Values above this are nanoseconds; a seconds value for any real date is far below.</summary>
    public const long NanosecondThreshold = 100_000_000_000L;

    /// <summary>An sms.db date (seconds before iOS 11, nanoseconds after; decided by magnitude). 0 → null.</summary>
    public static DateTimeOffset? FromMessageDate(long value)
    {
        if (value == 0)
        {
            return null;
        }

        try
        {
            // Not Math.Abs: it overflows on long.MinValue, which a damaged row can hold.
            return value > NanosecondThreshold || value < -NanosecondThreshold
                ? Epoch.AddTicks(value / 100)
                : Epoch.AddSeconds(value);
        }
        catch (ArgumentOutOfRangeException)
        {
            return null;
        }
    }

    /// <summary>Core Data float seconds since 2001. NaN or out of range → null.</summary>
    public static DateTimeOffset? FromCoreData(double seconds)
    {
        if (double.IsNaN(seconds) || Math.Abs(seconds) > 1e11)
        {
            return null;
        }

        return Epoch.AddSeconds(seconds);
    }

    /// <summary>Unix seconds.</summary>
    public static DateTimeOffset? FromUnix(double seconds)
    {
        if (double.IsNaN(seconds) || Math.Abs(seconds) > 1e11)
        {
            return null;
        }

        return DateTimeOffset.UnixEpoch.AddSeconds(seconds);
    }
}
