using Keepsake.Service.Phones;

namespace Keepsake.Service.Jobs;

/// <summary>A backup the service runs or ran (one phone, one attempt).</summary>
public sealed record BackupJobInfo(string Id, string Udid, string Trigger, DateTimeOffset Started)
{
    public BackupJobState State { get; init; } = BackupJobState.Running;

    public DateTimeOffset? Finished { get; init; }

    public BackupFailureReason? Reason { get; init; }

    public string? Message { get; init; }

    public string? Snapshot { get; init; }
}
