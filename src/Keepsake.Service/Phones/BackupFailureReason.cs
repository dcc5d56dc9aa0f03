namespace Keepsake.Service.Phones;

/// <summary>Why a backup did not happen, each with its own message to the user (docs/design/service.md).</summary>
public enum BackupFailureReason
{
    /// <summary>Something else failed; the message says what.</summary>
    Failed,

    /// <summary>The phone is locked with its passcode, or waits for it to be typed to allow the backup (iOS 16.1+).</summary>
    PhoneLocked,

    /// <summary>The phone has not trusted this computer (Trust dialog unanswered or refused).</summary>
    HostNotTrusted,

    /// <summary>The pair record is no longer accepted (the phone forgot this computer: reset, "Reset Location &amp; Privacy", expiry).</summary>
    PairingExpired,

    /// <summary>The disk holding the vault is full.</summary>
    VaultDiskFull,

    /// <summary>The phone's backup password given to Keepsake is wrong.</summary>
    WrongBackupPassword,

    /// <summary>The vault's password is wrong or missing.</summary>
    WrongVaultPassword,

    /// <summary>The phone went away (cable pulled, Wi-Fi lost) during the backup.</summary>
    Disconnected,

    /// <summary>Another program holds the vault's exclusive lock.</summary>
    VaultLocked,
}
