namespace Keepsake.Service.Events;

/// <summary>One entry of the event log (and of a job's event stream).</summary>
/// <param name="Id">Increasing within the log.</param>
/// <param name="Time">When it happened (the service's clock).</param>
/// <param name="Kind">What happened: see <see cref="ServiceEventKinds"/>.</param>
/// <param name="Message">A sentence for the user (never a secret).</param>
public sealed record ServiceEvent(long Id, DateTimeOffset Time, string Kind, string Message)
{
    /// <summary>The phone concerned, if any.</summary>
    public string? Udid { get; init; }

    /// <summary>The job concerned, if any.</summary>
    public string? JobId { get; init; }

    /// <summary>For failures and alerts: the reason's name (<see cref="Phones.ReasonNames"/>) or the alert's kind.</summary>
    public string? Reason { get; init; }

    /// <summary>For progress: the stage and how far (0 to 100).</summary>
    public string? Stage { get; init; }

    public double? Percent { get; init; }

    public long? Files { get; init; }

    public long? Bytes { get; init; }

    /// <summary>For alerts: when the last attempt was, and what became of it.</summary>
    public DateTimeOffset? LastAttempt { get; init; }
}
