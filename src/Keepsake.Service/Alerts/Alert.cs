namespace Keepsake.Service.Alerts;

/// <summary>Something the user should hear about, on every channel configured.</summary>
/// <param name="Kind">One of <see cref="AlertKind"/>.</param>
/// <param name="Title">A short title (the webhook's Title header, the desktop notification's summary).</param>
/// <param name="Message">What happened, the last attempt and its reason, and what to do.</param>
public sealed record Alert(string Kind, string Title, string Message)
{
    /// <summary>The phone concerned, if any.</summary>
    public string? Udid { get; init; }

    /// <summary>The last attempt's time, when the alert is about one.</summary>
    public DateTimeOffset? LastAttempt { get; init; }

    /// <summary>The last attempt's reason, when the alert is about one.</summary>
    public string? Reason { get; init; }
}
