namespace Keepsake.Export.Tests;

public sealed class AppleTimeTests
{
    [Theory]
    [InlineData(600000000L, "2020-01-06T10:40:00+00:00")] // seconds (iOS ≤ 10)
    [InlineData(600000000_000000000L, "2020-01-06T10:40:00+00:00")] // nanoseconds (iOS 11+)
    [InlineData(600000000_123456789L, "2020-01-06T10:40:00.1234567+00:00")]
    [InlineData(-31536000L, "2000-01-02T00:00:00+00:00")]
    public void FromMessageDate_SecondsOrNanoseconds_DecidedByMagnitude(long value, string expected)
    {
        Assert.Equal(DateTimeOffset.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), AppleTime.FromMessageDate(value));
    }

    [Theory]
    [InlineData(long.MinValue)]
    [InlineData(long.MaxValue)]
    [InlineData(long.MinValue + 1)]
    public void FromMessageDate_Extremes_NoOverflow(long value)
    {
        // Math.Abs(long.MinValue) used to throw OverflowException; as nanoseconds these are 1708 and 2293.
        var date = AppleTime.FromMessageDate(value);
        Assert.NotNull(date);
        Assert.InRange(date.Value.Year, 1700, 2300);
    }

    [Fact]
    public void FromMessageDate_Zero_IsNull()
    {
        Assert.Null(AppleTime.FromMessageDate(0));
        Assert.Null(AppleTime.FromCoreData(double.NaN));
        Assert.Null(AppleTime.FromCoreData(1e300));
        Assert.Equal(DateTimeOffset.UnixEpoch.AddSeconds(1600000000), AppleTime.FromUnix(1600000000));
        Assert.Equal(AppleTime.Epoch.AddSeconds(0.5), AppleTime.FromCoreData(0.5));
    }
}
