namespace Keepsake.Service.Phones;

/// <summary>What the service remembers about a phone across restarts (<c>service/state.json</c>).</summary>
public sealed record PhoneRecord
{
    public required string Udid { get; init; }

    /// <summary>The phone's name, from its last backup.</summary>
    public string? DeviceName { get; init; }

    /// <summary>When the last backup attempt started.</summary>
    public DateTimeOffset? LastAttempt { get; init; }

    /// <summary>Whether the last attempt succeeded (null: none yet).</summary>
    public bool? LastAttemptSucceeded { get; init; }

    /// <summary>Why the last attempt failed.</summary>
    public BackupFailureReason? LastReason { get; init; }

    /// <summary>The message shown for <see cref="LastReason"/>.</summary>
    public string? LastMessage { get; init; }

    /// <summary>When the last successful backup finished.</summary>
    public DateTimeOffset? LastSuccess { get; init; }

    /// <summary>The snapshot the last successful backup recorded.</summary>
    public string? LastSnapshot { get; init; }

    /// <summary>Not before this time will the scheduler try again (a locked phone re-armed, a failure backed off).</summary>
    public DateTimeOffset? RetryAfter { get; init; }
}
