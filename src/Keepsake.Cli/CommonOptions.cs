using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;

namespace Keepsake.Cli;

/// <summary>Options that several commands share, defined once.</summary>
internal static class CommonOptions
{
    public const string BackupPasswordVariable = "KEEPSAKE_BACKUP_PASSWORD";
    public const string VaultPasswordVariable = "KEEPSAKE_PASSWORD";
    public const string VaultVariable = "KEEPSAKE_VAULT";

    public static Option<bool> Json() => new("--json") { Description = "Print one JSON array of objects instead of a table." };

    public static Option<FileInfo?> BackupPasswordFile() => new("--password-file")
    {
        Description = $"Read the backup password from the first line of FILE (else {BackupPasswordVariable}, else a prompt).",
        HelpName = "FILE",
    };

    /// <summary>The vault folder; recursive, so it works after any command.</summary>
    public static readonly Option<string?> Vault = new("--vault")
    {
        Description = $"The vault: a folder or s3:http(s)://host[:port]/bucket[/prefix] (else {VaultVariable}, else the default vault in your data folder).",
        HelpName = "VAULT",
        Recursive = true,
    };

    /// <summary>restic's --limit-upload: the S3 upload bandwidth in KiB/s; recursive, like --vault.</summary>
    public static readonly Option<long?> LimitUpload = new("--limit-upload")
    {
        Description = "Limit uploads to an S3 vault to this many KiB/s (restic's option).",
        HelpName = "KIBPS",
        Recursive = true,
    };

    public static Option<FileInfo?> VaultPasswordFile(string name = "--password-file") => new(name)
    {
        Description = $"Read the vault password from the first line of FILE (else {VaultPasswordVariable}, else a prompt).",
        HelpName = "FILE",
    };

    public static Option<string?> Domain() => new("--domain") { Description = "Only entries of this backup domain (e.g. HomeDomain).", HelpName = "DOMAIN" };

    /// <summary>A date option that says which value is wrong and what it expects (never a .NET type name).</summary>
    public static Option<DateTimeOffset?> Date(string name, string description) => new(name)
    {
        Description = description,
        HelpName = "DATE",
        CustomParser = result =>
        {
            var text = result.Tokens.Count > 0 ? result.Tokens[0].Value : string.Empty;
            if (DateTimeOffset.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var day)
                || DateTimeOffset.TryParseExact(text, ["yyyy-MM-ddTHH:mm", "yyyy-MM-ddTHH:mm:ss", "yyyy-MM-ddTHH:mmzzz", "yyyy-MM-ddTHH:mm:sszzz", "yyyy-MM-ddTHH:mm:ssZ"], CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out day))
            {
                return day;
            }

            result.AddError($"{name}: '{text}' is not a date. Expected YYYY-MM-DD (for example 2024-03-01) or YYYY-MM-DDTHH:MM[:SS][+HH:MM].");
            return null;
        },
    };

    /// <summary>An IANA time zone; an unknown name is an error that names it and suggests the nearest zone.</summary>
    public static Option<TimeZoneInfo?> TimeZone(string description) => new("--time-zone")
    {
        Description = description,
        HelpName = "ZONE",
        CustomParser = result =>
        {
            var text = result.Tokens.Count > 0 ? result.Tokens[0].Value : string.Empty;
            if (TimeZoneInfo.TryFindSystemTimeZoneById(text, out var zone))
            {
                return zone;
            }

            var names = TimeZoneInfo.GetSystemTimeZones().Select(z => z.Id).Where(id => id.Contains('/', StringComparison.Ordinal)).ToList();
            var suggestion = UsageReporter.Suggest(text, names)
                ?? names.FirstOrDefault(id => id.EndsWith("/" + text.Replace(' ', '_'), StringComparison.OrdinalIgnoreCase));
            result.AddError($"--time-zone: unknown time zone '{text}'. Use an IANA name such as Europe/Berlin or America/New_York"
                + (suggestion is null ? "." : $"; did you mean '{suggestion}'?"));
            return null;
        },
    };
}
