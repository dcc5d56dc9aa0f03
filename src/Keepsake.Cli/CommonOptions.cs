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

    /// <summary>The old spelling of the password options, which meant the vault's password in some commands and the backup's in others.</summary>
    public const string OldPasswordFile = "--password-file";

    /// <summary>A phone backup's password: <c>--backup-password-file</c> in every command (<c>--password-file</c>, its old spelling here, still works).</summary>
    public static Option<FileInfo?> BackupPasswordFile() => new("--backup-password-file", OldPasswordFile)
    {
        Description = $"Read the phone backup's password from the first line of FILE (else {BackupPasswordVariable}, else a prompt). {OldPasswordFile} is its deprecated old spelling.",
        HelpName = "FILE",
    };

    /// <summary>
    /// The phone a command is about: <c>--device UDID|NAME</c>, <c>--udid</c> kept as its alias. Needed when more than
    /// one phone is attached, or when the vault holds snapshots of more than one phone and the command says <c>latest</c>.
    /// </summary>
    public static Option<string?> Device(string description) => new("--device", "--udid")
    {
        Description = description + " A UDID or the phone's name; --udid is its alias.",
        HelpName = "UDID|NAME",
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

    /// <summary>
    /// The vault's password: <c>--vault-password-file</c> in every command. Where the command spelled it
    /// <paramref name="oldName"/> before, that spelling is kept as a deprecated alias.
    /// </summary>
    public static Option<FileInfo?> VaultPasswordFile(string oldName = OldPasswordFile)
    {
        const string Name = "--vault-password-file";
        var option = new Option<FileInfo?>(Name)
        {
            Description = $"Read the vault password from the first line of FILE (else {VaultPasswordVariable}, else a prompt)."
                + (oldName == Name ? string.Empty : $" {oldName} is its deprecated old spelling."),
            HelpName = "FILE",
        };
        if (oldName != Name)
        {
            option.Aliases.Add(oldName);
        }

        return option;
    }

    /// <summary>A warning for each option given by its deprecated old spelling (to standard error; the option still works).</summary>
    public static void WarnDeprecated(System.CommandLine.ParseResult parse, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(parse);
        ArgumentNullException.ThrowIfNull(error);
        foreach (var option in parse.CommandResult.Children.OfType<OptionResult>())
        {
            if (option.IdentifierToken?.Value == OldPasswordFile && option.Option.Name != OldPasswordFile)
            {
                error.WriteLine($"warning: {OldPasswordFile} is deprecated here; use {option.Option.Name}.");
            }
        }
    }

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
