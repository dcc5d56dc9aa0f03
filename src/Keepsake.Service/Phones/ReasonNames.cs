namespace Keepsake.Service.Phones;

/// <summary>The API's and event log's names for <see cref="BackupFailureReason"/> (kebab-case, stable).</summary>
public static class ReasonNames
{
    public static string Of(BackupFailureReason reason) => reason switch
    {
        BackupFailureReason.PhoneLocked => "phone-locked",
        BackupFailureReason.HostNotTrusted => "host-not-trusted",
        BackupFailureReason.PairingExpired => "pairing-expired",
        BackupFailureReason.VaultDiskFull => "vault-disk-full",
        BackupFailureReason.WrongBackupPassword => "wrong-backup-password",
        BackupFailureReason.WrongVaultPassword => "wrong-vault-password",
        BackupFailureReason.Disconnected => "disconnected",
        BackupFailureReason.VaultLocked => "vault-locked",
        _ => "failed",
    };
}
