namespace Keepsake.Service.Configuration;

/// <summary>
/// The service's configuration (<c>keepsake/config.json</c> under the platform's config folder; documented in
/// docs/design/service.md, schema docs/schemas/service-config.schema.json). Every field is optional.
/// </summary>
public sealed record ServiceConfig
{
    /// <summary>The configuration used when there is no file.</summary>
    public static ServiceConfig Default { get; } = new();

    /// <summary>The schedule of a phone without an entry in <see cref="Phones"/>.</summary>
    public PhoneSchedule Defaults { get; init; } = PhoneSchedule.Default;

    /// <summary>Per-phone schedules, by UDID.</summary>
    public IReadOnlyDictionary<string, PhoneSchedule> Phones { get; init; } = new Dictionary<string, PhoneSchedule>(StringComparer.OrdinalIgnoreCase);

    /// <summary>How long to wait before asking a locked phone again (it is also asked as soon as it is attached again).</summary>
    public TimeSpan LockedRetry { get; init; } = TimeSpan.FromMinutes(30);

    /// <summary>How long to wait after any other failure before trying again.</summary>
    public TimeSpan FailureRetry { get; init; } = TimeSpan.FromHours(1);

    /// <summary>Run <c>prune</c> after a backup when the last one is older than this; null: never.</summary>
    public TimeSpan? PruneEvery { get; init; } = TimeSpan.FromDays(7);

    /// <summary>The off-site copy target: any vault address (a folder, or s3:...); null: none.</summary>
    public string? CopyTo { get; init; }

    /// <summary>The copy target's password file (else the vault's own password).</summary>
    public string? CopyPasswordFile { get; init; }

    /// <summary>Run <c>check --read-data-subset</c> after a backup when the last one is older than this; null: never.</summary>
    public TimeSpan? CheckEvery { get; init; } = TimeSpan.FromDays(30);

    /// <summary>The fraction of pack data a periodic check reads (0 &lt; x ≤ 1).</summary>
    public double CheckReadDataFraction { get; init; } = 0.05;

    /// <summary>Raise "no successful backup for N days" after this long; null: never.</summary>
    public TimeSpan? StaleAfter { get; init; } = TimeSpan.FromDays(7);

    /// <summary>An ntfy-style webhook (POST, Title and Priority headers, JSON body); null: none.</summary>
    public Uri? WebhookUrl { get; init; }

    /// <summary>The webhook's Priority header for alerts (ntfy: 1 to 5, or min/low/default/high/urgent).</summary>
    public string WebhookPriority { get; init; } = "high";

    /// <summary>A healthchecks-style ping URL (<c>/start</c>, success, <c>/fail</c>); null: none.</summary>
    public Uri? HealthchecksUrl { get; init; }

    /// <summary>Desktop notifications (freedesktop D-Bus where available).</summary>
    public bool DesktopNotifications { get; init; } = true;

    /// <summary>The schedule of <paramref name="udid"/>.</summary>
    public PhoneSchedule For(string udid) => Phones.TryGetValue(udid, out var schedule) ? schedule : Defaults;
}
