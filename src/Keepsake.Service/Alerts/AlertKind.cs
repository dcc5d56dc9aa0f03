namespace Keepsake.Service.Alerts;

/// <summary>The alerts the service raises (names as in the event log's <c>reason</c>).</summary>
public static class AlertKind
{
    /// <summary>"No successful backup of PHONE for N days."</summary>
    public const string StalePhone = "stale-phone";

    /// <summary>"Off-site copy failing."</summary>
    public const string CopyFailing = "copy-failing";

    /// <summary>"Vault check found problems."</summary>
    public const string CheckProblems = "check-problems";

    /// <summary>A backup did not happen and the user can do something about it (unlock, trust, pair, free space, fix a password).</summary>
    public const string BackupBlocked = "backup-blocked";
}
