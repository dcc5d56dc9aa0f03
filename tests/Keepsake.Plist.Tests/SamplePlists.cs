namespace Keepsake.Plist.Tests;

/// <summary>Plists built in code for the reader and writer tests.</summary>
internal static class SamplePlists
{
    /// <summary>One of every kind XML can hold (UIDs included), with awkward values.</summary>
    public static PlistDictionary EveryKind(bool withUid = true)
    {
        var dict = new PlistDictionary
        {
            ["ascii"] = "hello",
            ["utf16"] = "héllo 😀 漢字 Ελληνικά",
            ["empty string"] = string.Empty,
            ["markup <&>"] = "a < b && c > d",
            ["zero"] = 0L,
            ["byte"] = 200L,
            ["short"] = 60000L,
            ["int"] = 4_000_000_000L,
            ["long"] = long.MaxValue,
            ["negative"] = -1L,
            ["most negative"] = long.MinValue,
            ["beyond long"] = new PlistInteger((Int128)ulong.MaxValue),
            ["real"] = 3.25,
            ["negative real"] = -1e-300,
            ["infinity"] = double.PositiveInfinity,
            ["true"] = true,
            ["false"] = false,
            ["date"] = new DateTimeOffset(2021, 3, 30, 14, 40, 0, TimeSpan.Zero),
            ["old date"] = new DateTimeOffset(1970, 1, 1, 0, 0, 0, TimeSpan.Zero),
            ["data"] = new byte[] { 0, 1, 2, 254, 255 },
            ["empty data"] = Array.Empty<byte>(),
            ["empty array"] = new PlistArray(),
            ["empty dict"] = new PlistDictionary(),
            ["nested"] = new PlistArray([new PlistArray([1L, "two", new PlistDictionary { ["three"] = 3.0 }])]),
        };
        if (withUid)
        {
            dict["uid small"] = new PlistUid(7);
            dict["uid large"] = new PlistUid(70000);
        }

        return dict;
    }

    /// <summary>A plist with many objects and a long payload, so refs and offsets need 2+ bytes.</summary>
    public static PlistDictionary Large(int entries = 3000)
    {
        var dict = new PlistDictionary();
        for (var i = 0; i < entries; i++)
        {
            dict[$"key-{i:D5}"] = new PlistArray([(long)i * 7919, $"value {i} ✓", new byte[i % 50]]);
        }

        return dict;
    }
}
