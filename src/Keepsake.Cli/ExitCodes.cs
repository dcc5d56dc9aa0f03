using System.Globalization;
using System.Text;

namespace Keepsake.Cli;

/// <summary>
/// Every exit code keepsake returns, in one place. <see cref="ErrorReporter"/> is the only code that
/// chooses one for an error. <c>keepsake help exit-codes</c> prints <see cref="Table"/>; the README's and
/// the docs' tables are <see cref="ToMarkdown"/> (a test keeps them equal).
/// </summary>
internal static class ExitCodes
{
    /// <summary>The command did everything it was asked.</summary>
    public const int Success = 0;

    /// <summary>An unexpected failure (a bug, or an I/O error with no better code).</summary>
    public const int Failure = 1;

    /// <summary>The command line was wrong.</summary>
    public const int Usage = 2;

    /// <summary>The command finished, but some items could not be processed (listed in its output).</summary>
    public const int Partial = 3;

    /// <summary>A backup, snapshot, file or device named on the command line does not exist.</summary>
    public const int NotFound = 4;

    /// <summary>A backup or the vault holds corrupt or unreadable data.</summary>
    public const int CorruptData = 5;

    /// <summary>The target disk is full.</summary>
    public const int DiskFull = 6;

    /// <summary>The backup holds none of the data asked for (e.g. an export of WhatsApp from a phone without it).</summary>
    public const int NoData = 7;

    /// <summary>There is no vault at the given location.</summary>
    public const int VaultNotFound = 10;

    /// <summary>The vault is locked by another running operation.</summary>
    public const int VaultLocked = 11;

    /// <summary>The password (of a backup or of the vault) is wrong.</summary>
    public const int WrongPassword = 12;

    /// <summary>A password is needed and none could be obtained (no terminal, no variable, no file).</summary>
    public const int PasswordRequired = 13;

    /// <summary>The vault's storage (an S3 server) refused the credentials, or none were found.</summary>
    public const int VaultAccessDenied = 14;

    /// <summary>The vault's storage (an S3 server) did not answer, even after retries.</summary>
    public const int VaultUnreachable = 15;

    /// <summary>The service's configuration file is invalid (the message names the file and the field).</summary>
    public const int ConfigInvalid = 16;

    /// <summary>No iPhone is connected, or the chosen one is not.</summary>
    public const int NoDevice = 20;

    /// <summary>The iPhone refused or failed (locked, not trusted, pairing refused, disconnected).</summary>
    public const int DeviceError = 21;

    /// <summary>Interrupted (Ctrl+C).</summary>
    public const int Cancelled = 130;

    /// <summary>Each code with its meaning, in ascending order: the one source of every printed table.</summary>
    public static readonly IReadOnlyList<(int Code, string Meaning)> Table =
    [
        (Success, "success"),
        (Failure, "unexpected failure"),
        (Usage, "wrong usage (unknown command or option, bad value)"),
        (Partial, "finished, but some items could not be processed"),
        (NotFound, "backup, snapshot, file or device not found"),
        (CorruptData, "corrupt or unreadable data"),
        (DiskFull, "disk full"),
        (NoData, "the backup holds no data of that kind (an export of WhatsApp from a phone without it)"),
        (VaultNotFound, "no vault at that location"),
        (VaultLocked, "vault locked by another operation"),
        (WrongPassword, "wrong password"),
        (PasswordRequired, "password needed but none available"),
        (VaultAccessDenied, "vault storage refused the credentials"),
        (VaultUnreachable, "vault storage did not answer"),
        (ConfigInvalid, "the service's configuration file is invalid"),
        (NoDevice, "no iPhone connected"),
        (DeviceError, "iPhone refused or failed"),
        (Cancelled, "interrupted"),
    ];

    /// <summary>The line each command's help ends with, pointing at the table.</summary>
    public const string HelpPointer = "Exit codes: see 'keepsake help exit-codes'.";

    /// <summary>The table as <c>keepsake help exit-codes</c> prints it.</summary>
    public static string ToText()
    {
        var text = new StringBuilder("Exit codes:").AppendLine();
        foreach (var (code, meaning) in Table)
        {
            text.Append(CultureInfo.InvariantCulture, $"  {code,-4} {meaning}").AppendLine();
        }

        return text.ToString();
    }

    /// <summary>The table as the README and docs carry it.</summary>
    public static string ToMarkdown()
    {
        var text = new StringBuilder("| Code | Meaning |").AppendLine().AppendLine("| --- | --- |");
        foreach (var (code, meaning) in Table)
        {
            text.Append(CultureInfo.InvariantCulture, $"| {code} | {meaning} |").AppendLine();
        }

        return text.ToString();
    }
}
