using Keepsake.BackupFormat;
using Keepsake.Repository.Snapshots;

namespace Keepsake.Engine.Vault;

/// <summary>
/// The tags an imported Apple backup's snapshot carries (restic tags, so `restic snapshots` shows
/// them too): <c>apple-backup</c>, <c>udid=…</c>, <c>device=…</c>, <c>model=…</c>, <c>ios=…</c>,
/// <c>encrypted=yes|no</c>. Values are kept as the device reports them (a model is <c>iPhone9,3</c>);
/// restic's command line reads a comma in <c>--tag</c> as a separator, so filter those by udid instead.
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
        return snapshot.Tags.FirstOrDefault(t => t.StartsWith(prefix, StringComparison.Ordinal))?[prefix.Length..];
    }

    /// <summary>Whether the snapshot holds an Apple backup.</summary>
    public static bool IsAppleBackup(Snapshot snapshot) => snapshot?.Tags.Contains(Marker) ?? false;

    private static void Add(List<string> tags, string key, string? value)
    {
        if (!string.IsNullOrWhiteSpace(value))
        {
            tags.Add($"{key}={value.Trim()}");
        }
    }
}
