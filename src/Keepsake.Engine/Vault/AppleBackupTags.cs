using Keepsake.BackupFormat;
using Keepsake.Repository.Snapshots;

namespace Keepsake.Engine.Vault;

/// <summary>
/// The tags an imported Apple backup's snapshot carries (restic tags, so `restic snapshots` shows
/// them too): <c>apple-backup</c>, <c>udid=…</c>, <c>device=…</c>, <c>model=…</c>, <c>ios=…</c>,
/// <c>encrypted=yes|no</c>. restic's <c>--tag</c> reads a comma as "or", so a value is stored with
/// <c>%</c> written <c>%25</c> and <c>,</c> written <c>%2C</c> (<c>model=iPhone9%2C3</c>): then
/// <c>restic snapshots --tag model=iPhone9%2C3</c> finds it. <see cref="Get"/> and <see cref="Display"/>
/// decode. See docs/design/repository-format.md, "Snapshot tags".
/// </summary>
public static class AppleBackupTags
{
    public const string Marker = "apple-backup";

    /// <summary>The tags describing a backup with these properties.</summary>
    public static IReadOnlyList<string> For(BackupProperties properties)
    {
        ArgumentNullException.ThrowIfNull(properties);
        var tags = new List<string> { Marker };
        Add(tags, "udid", properties.Udid);
        Add(tags, "device", properties.DeviceName);
        Add(tags, "model", properties.ProductType);
        Add(tags, "ios", properties.ProductVersion);
        tags.Add("encrypted=" + (properties.IsEncrypted ? "yes" : "no"));
        return tags;
    }

    /// <summary>The value of tag <paramref name="key"/> on <paramref name="snapshot"/>, or null.</summary>
    public static string? Get(Snapshot snapshot, string key)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        var prefix = key + "=";
        return snapshot.Tags.FirstOrDefault(t => t.StartsWith(prefix, StringComparison.Ordinal)) is { } tag ? Decode(tag[prefix.Length..]) : null;
    }

    /// <summary>A tag as people read it: <c>model=iPhone9%2C3</c> shows as <c>model=iPhone9,3</c>.</summary>
    public static string Display(string tag)
    {
        ArgumentNullException.ThrowIfNull(tag);
        return Decode(tag);
    }

    /// <summary>A tag value as stored: <c>%</c> → <c>%25</c>, <c>,</c> → <c>%2C</c>; nothing else changes.</summary>
    public static string Encode(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return value.Replace("%", "%25", StringComparison.Ordinal).Replace(",", "%2C", StringComparison.Ordinal);
    }

    /// <summary>Undoes <see cref="Encode"/>; any other <c>%</c> sequence (a tag written before the encoding) is kept as it is.</summary>
    public static string Decode(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (!value.Contains('%', StringComparison.Ordinal))
        {
            return value;
        }

        var result = new System.Text.StringBuilder(value.Length);
        for (var i = 0; i < value.Length; i++)
        {
            if (value[i] == '%' && i + 2 < value.Length)
            {
                var code = value.Substring(i + 1, 2);
                if (code.Equals("2C", StringComparison.OrdinalIgnoreCase))
                {
                    result.Append(',');
                    i += 2;
                    continue;
                }

                if (code == "25")
                {
                    result.Append('%');
                    i += 2;
                    continue;
                }
            }

            result.Append(value[i]);
        }

        return result.ToString();
    }

    /// <summary>Whether the snapshot holds an Apple backup.</summary>
    public static bool IsAppleBackup(Snapshot snapshot) => snapshot?.Tags.Contains(Marker) ?? false;

    private static void Add(List<string> tags, string key, string? value)
    {
        if (!string.IsNullOrWhiteSpace(value))
        {
            tags.Add($"{key}={Encode(value.Trim())}");
        }
    }
}
