using Keepsake.Engine.Vault;
using Keepsake.Repository.Snapshots;

namespace Keepsake.Cli;

/// <summary>
/// A SNAPSHOT argument with the phone it must belong to (<c>--device</c>): <c>latest</c> is the latest snapshot of
/// the chosen phone, and is ambiguous (<see cref="AmbiguousDeviceException"/>, listing the phones) when the vault
/// holds snapshots of more than one phone and none was chosen. An ID or prefix names one snapshot; with
/// <c>--device</c> it must be of that phone.
/// </summary>
internal static class SnapshotChoice
{
    public static async Task<Snapshot> FindAsync(Repository.Repository repository, string idOrLatest, string? device, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(repository);
        if (idOrLatest != "latest")
        {
            var named = await repository.FindSnapshotAsync(idOrLatest, cancellationToken: cancellationToken);
            if (device is not null && !IsOf(named, device))
            {
                throw new KeyNotFoundException($"snapshot {named.ShortId} is of {Describe(named)}, not of '{device}'.");
            }

            return named;
        }

        var all = (await repository.ListSnapshotsAsync(cancellationToken)).OrderBy(s => s.Time).ToList();
        var phones = Phones(all);
        if (device is null)
        {
            if (phones.Count > 1)
            {
                throw new AmbiguousDeviceException($"'latest' is ambiguous: the vault holds snapshots of {phones.Count} iPhones: {string.Join(", ", phones)}. "
                    + "Choose one with --device UDID or --device NAME.");
            }

            return all.LastOrDefault() ?? throw new KeyNotFoundException("the vault has no snapshot yet.");
        }

        return all.LastOrDefault(s => IsOf(s, device))
            ?? throw new KeyNotFoundException($"the vault holds no snapshot of '{device}'"
                + (phones.Count == 0 ? "." : $"; it holds snapshots of {string.Join(", ", phones)}."));
    }

    /// <summary>Whether <paramref name="snapshot"/> is of the phone with this UDID or name.</summary>
    public static bool IsOf(Snapshot snapshot, string device) =>
        string.Equals(AppleBackupTags.Get(snapshot, "udid"), device, StringComparison.OrdinalIgnoreCase)
        || string.Equals(AppleBackupTags.Get(snapshot, "device"), device, StringComparison.OrdinalIgnoreCase);

    /// <summary>"'NAME' (UDID)" for each phone the snapshots are of, in UDID order.</summary>
    private static List<string> Phones(IEnumerable<Snapshot> snapshots) =>
        [.. snapshots.Where(s => AppleBackupTags.Get(s, "udid") is not null)
            .GroupBy(s => AppleBackupTags.Get(s, "udid")!, StringComparer.OrdinalIgnoreCase)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => Describe(g.Last()))];

    private static string Describe(Snapshot snapshot) =>
        (AppleBackupTags.Get(snapshot, "device"), AppleBackupTags.Get(snapshot, "udid")) switch
        {
            ({ } name, { } udid) => $"'{name}' ({udid})",
            (null, { } udid) => udid,
            _ => $"host '{snapshot.Hostname}'",
        };
}
