using System.Globalization;

namespace Keepsake.Plist;

/// <summary>
/// A date. Binary plists store float64 seconds since 2001-01-01T00:00:00Z (<see cref="AppleEpoch"/>);
/// XML plists store ISO 8601 text with whole seconds. Equality compares to the second, since
/// that is all an XML plist keeps.
/// </summary>
public sealed class PlistDate(DateTimeOffset value) : PlistNode
{
    /// <summary>2001-01-01T00:00:00Z, the epoch of plist and Core Data dates.</summary>
    public static readonly DateTimeOffset AppleEpoch = new(2001, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public DateTimeOffset Value { get; } = value.ToUniversalTime();

    /// <summary>Seconds since <see cref="AppleEpoch"/>, as a binary plist stores it.</summary>
    public double SecondsSinceAppleEpoch => (Value - AppleEpoch).TotalSeconds;

    /// <summary>Whether <paramref name="seconds"/> since <see cref="AppleEpoch"/> is a date between years 1 and 9999.</summary>
    public static bool IsRepresentable(double seconds) => double.IsFinite(seconds) && seconds >= MinSeconds && seconds <= MaxSeconds;

    private static readonly double MinSeconds = (DateTimeOffset.MinValue.AddDays(1) - AppleEpoch).TotalSeconds;
    private static readonly double MaxSeconds = (DateTimeOffset.MaxValue.AddDays(-1) - AppleEpoch).TotalSeconds;

    /// <summary>A date from seconds since <see cref="AppleEpoch"/>.</summary>
    public static PlistDate FromAppleSeconds(double seconds) => new(AppleEpoch.AddTicks((long)Math.Round(seconds * TimeSpan.TicksPerSecond)));

    public override PlistNodeKind Kind => PlistNodeKind.Date;

    public override bool Equals(PlistNode? other) =>
        other is PlistDate d && Math.Floor(d.SecondsSinceAppleEpoch) == Math.Floor(SecondsSinceAppleEpoch);

    public override int GetHashCode() => Math.Floor(SecondsSinceAppleEpoch).GetHashCode();

    public override string ToString() => Value.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
