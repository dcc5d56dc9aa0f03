namespace Keepsake.Cli;

/// <summary>
/// Every exit code keepsake returns, in one place. <see cref="ErrorReporter"/> is the only code that
/// chooses one for an error; each command's help lists them (see <see cref="HelpText"/>).
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

    /// <summary>No iPhone is connected, or the chosen one is not.</summary>
    public const int NoDevice = 20;

    /// <summary>The iPhone refused or failed (locked, not trusted, pairing refused, disconnected).</summary>
    public const int DeviceError = 21;

    /// <summary>Interrupted (Ctrl+C).</summary>
    public const int Cancelled = 130;

    /// <summary>The table printed at the end of every command's help.</summary>
    public const string HelpText = """
        Exit codes:
          0    success
          1    unexpected failure
          2    wrong usage
          3    finished, but some items could not be processed
          4    backup, snapshot, file or device not found
          5    corrupt or unreadable data
          6    disk full
          10   no vault at that location
          11   vault locked by another operation
          12   wrong password
          13   password needed but none available
          14   vault storage refused the credentials
          15   vault storage did not answer
          20   no iPhone connected
          21   iPhone refused or failed
          130  interrupted
        """;
}
