using System.CommandLine;

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
}
