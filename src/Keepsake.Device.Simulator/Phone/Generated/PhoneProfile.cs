using System.Globalization;

namespace Keepsake.Device.Simulator.Phone.Generated;

/// <summary>
/// What the generated phone looks like: a seed and a total size, and optionally the size of its largest
/// conversation and the number of camera-roll assets. The same profile always gives the same phone.
/// </summary>
public sealed record PhoneProfile
{
    /// <summary>About 50 MiB: the README's first backup takes seconds.</summary>
    public const long DefaultSize = 50L * 1024 * 1024;

    /// <summary>The smallest size accepted (the databases alone take about this much).</summary>
    public const long MinimumSize = 8L * 1024 * 1024;

    /// <summary>The largest size accepted: 1 TiB.</summary>
    public const long MaximumSize = 1L << 40;

    public PhoneProfile(int seed = 1, long size = DefaultSize)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(size, MinimumSize);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(size, MaximumSize);
        Seed = seed;
        Size = size;
    }

    /// <summary>The built-in phone of <c>keepsake simulator</c> and <c>keepsake backup --simulator</c>.</summary>
    public static PhoneProfile Default { get; } = new();

    public int Seed { get; }

    /// <summary>The phone's total file size in bytes, within a few percent.</summary>
    public long Size { get; }

    /// <summary>When set, one conversation holds this many messages more (for speed tests of the web app).</summary>
    public int? LargestConversation
    {
        get;
        init
        {
            if (value is { } v)
            {
                ArgumentOutOfRangeException.ThrowIfNegative(v);
                ArgumentOutOfRangeException.ThrowIfGreaterThan(v, 10_000_000);
            }

            field = value;
        }
    }

    /// <summary>When set, the number of camera-roll assets (else about one per 2 MiB of the size).</summary>
    public int? Photos
    {
        get;
        init
        {
            if (value is { } v)
            {
                ArgumentOutOfRangeException.ThrowIfLessThan(v, 8);
                ArgumentOutOfRangeException.ThrowIfGreaterThan(v, 1_000_000);
            }

            field = value;
        }
    }

    /// <summary>A folder name that tells profiles apart (<c>seed-7-size-2147483648</c>).</summary>
    public string Key => string.Create(CultureInfo.InvariantCulture,
        $"seed-{Seed}-size-{Size}{(LargestConversation is { } l ? $"-chat-{l}" : string.Empty)}{(Photos is { } p ? $"-photos-{p}" : string.Empty)}");
}
