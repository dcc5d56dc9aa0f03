using System.CommandLine;
using System.Globalization;
using Keepsake.Device.Simulator.Phone.Generated;

namespace Keepsake.Cli;

/// <summary>The options that choose the simulated iPhone's generated phone: its size and seed (<c>keepsake simulator</c>, <c>keepsake backup --simulator</c>).</summary>
internal static class PhoneOptions
{
    public static Option<string?> Size() => new("--phone-size")
    {
        Description = "Simulated iPhone: the generated phone's total size, e.g. 50MB (the default), 2GiB or 40GiB. Kept on disk in the data folder's simulator/ folder, made once per seed and size.",
        HelpName = "SIZE",
    };

    public static Option<int?> Seed() => new("--seed")
    {
        Description = "Simulated iPhone: the seed of the generated phone (default 1); the same seed and size always give the same phone.",
        HelpName = "N",
    };

    public static Option<int?> ChatMessages() => new("--phone-chat-messages")
    {
        Description = "Simulated iPhone: one conversation of the generated phone holds N messages more (e.g. 100000, for speed tests; at most 10000000).",
        HelpName = "N",
    };

    public static Option<int?> Photos() => new("--phone-photos")
    {
        Description = "Simulated iPhone: the generated phone's camera roll holds N photos and videos (8 to 1000000; default: about one per 2 MiB of its size).",
        HelpName = "N",
    };

    /// <summary>The profile the options describe (the default phone when none is given).</summary>
    public static PhoneProfile Profile(string? size, int? seed, int? chatMessages = null, int? photos = null)
    {
        var bytes = size is null ? PhoneProfile.DefaultSize : ParseSize(size);
        if (bytes < PhoneProfile.MinimumSize || bytes > PhoneProfile.MaximumSize)
        {
            throw new UsageException($"--phone-size must be between 8MiB and 1TiB, not '{size}'.");
        }

        if (chatMessages is < 0 or > 10_000_000)
        {
            throw new UsageException($"--phone-chat-messages takes 0 to 10000000 messages, not {chatMessages}.");
        }

        if (photos is < 8 or > 1_000_000)
        {
            throw new UsageException($"--phone-photos takes 8 to 1000000 photos and videos, not {photos}.");
        }

        return new PhoneProfile(seed ?? 1, bytes) { LargestConversation = chatMessages, Photos = photos };
    }

    /// <summary>Bytes from "50MB", "2GiB", "512MiB", "1.5GB" or a plain number of bytes (KB/MB/GB/TB are powers of 1000, KiB/MiB/GiB/TiB of 1024).</summary>
    public static long ParseSize(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var trimmed = text.Trim();
        var split = 0;
        while (split < trimmed.Length && (char.IsAsciiDigit(trimmed[split]) || trimmed[split] == '.'))
        {
            split++;
        }

        var unit = trimmed[split..].Trim().ToUpperInvariant();
        long multiplier = unit switch
        {
            "" or "B" => 1,
            "KB" or "K" => 1000,
            "KIB" => 1024,
            "MB" or "M" => 1000 * 1000,
            "MIB" => 1024 * 1024,
            "GB" or "G" => 1000L * 1000 * 1000,
            "GIB" => 1024L * 1024 * 1024,
            "TB" or "T" => 1000L * 1000 * 1000 * 1000,
            "TIB" => 1024L * 1024 * 1024 * 1024,
            _ => 0,
        };
        if (multiplier == 0 || !decimal.TryParse(trimmed[..split], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var number) || number > long.MaxValue / multiplier)
        {
            throw new UsageException($"'{text}' is not a size (examples: 50MB, 2GiB, 40GiB).");
        }

        return (long)(number * multiplier);
    }
}
