namespace Keepsake.Repository;

/// <summary>
/// Which snapshots forget keeps, with restic's semantics: snapshots are grouped by host and paths
/// and taken newest first; "last n" keeps the n newest; "daily n" keeps the newest snapshot of each
/// of the n most recent days that have one (likewise hourly, weekly (ISO weeks), monthly, yearly);
/// "within" keeps all snapshots newer than the group's latest snapshot (the newest not in the future)
/// less a calendar span (<see cref="RetentionDuration"/>); "tags" keeps every
/// snapshot with one of the tags. A snapshot is kept if any rule keeps it. An empty policy keeps all.
/// </summary>
public sealed class RetentionPolicy
{
    public int Last { get; init; }

    public int Hourly { get; init; }

    public int Daily { get; init; }

    public int Weekly { get; init; }

    public int Monthly { get; init; }

    public int Yearly { get; init; }

    public RetentionDuration? Within { get; init; }

    public IReadOnlyList<string> Tags { get; init; } = [];

    /// <summary>Whether no rule is set (forget then keeps everything).</summary>
    public bool IsEmpty => Last <= 0 && Hourly <= 0 && Daily <= 0 && Weekly <= 0 && Monthly <= 0 && Yearly <= 0 && Within is not { IsZero: false } && Tags.Count == 0;
}
