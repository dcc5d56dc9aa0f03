using Keepsake.Repository.Snapshots;

namespace Keepsake.Web.Data;

/// <summary>One phone in the vault and its snapshots, oldest first.</summary>
public sealed record PhoneSummary(string Udid, string Name, string? Model, string? IosVersion, IReadOnlyList<Snapshot> Snapshots)
{
    public Snapshot Latest => Snapshots[^1];
}
