using Keepsake.BackupFormat;
using Keepsake.Device.Lockdown;
using Keepsake.Device.Services.MobileBackup2;
using Keepsake.Device.Transport;
using Keepsake.Device.Usbmux;
using Keepsake.Engine.DeviceBackup;
using Keepsake.Repository;
using Keepsake.Service.Phones;

namespace Keepsake.Service;

/// <summary>
/// The service's one mapping from an exception to a reason and a message for the user (and, for the API,
/// an HTTP status). Messages say what happened and what to do; none carries a secret.
/// </summary>
public static class ServiceErrors
{
    /// <summary>Why a backup failed, and the sentence shown for it.</summary>
    public static (BackupFailureReason Reason, string Message) ForBackup(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        if (FindDiskFull(exception) is { } full)
        {
            return (BackupFailureReason.VaultDiskFull, $"the disk holding the vault is full ({full.Message}). Free space or move the vault; nothing half-written was recorded.");
        }

        switch (exception)
        {
            case AggregateException { InnerExceptions.Count: 1 } aggregate:
                return ForBackup(aggregate.InnerExceptions[0]);
            case LockdownException { Error: LockdownError.PasswordProtected }:
                return (BackupFailureReason.PhoneLocked, "the phone is locked: unlock it (and type the passcode if it asks to allow the backup). Keepsake tries again when it is next attached or at the next check.");
            case PhonePasscodeRequiredException locked:
                return (BackupFailureReason.PhoneLocked, locked.Message);
            case LockdownException { Error: LockdownError.PairingDialogResponsePending or LockdownError.UserDeniedPairing }:
                return (BackupFailureReason.HostNotTrusted, "the phone does not trust this computer: unlock it and tap Trust (or run 'keepsake pair').");
            case LockdownException { Error: LockdownError.InvalidHostID or LockdownError.InvalidPairRecord or LockdownError.MissingPairRecord }:
                return (BackupFailureReason.PairingExpired, "the phone no longer accepts this computer's pairing (it was reset or forgot this computer): connect it with a cable and run 'keepsake pair' again.");
            case LockdownException lockdown when lockdown.Message.Contains("not paired", StringComparison.OrdinalIgnoreCase):
                return (BackupFailureReason.HostNotTrusted, $"{lockdown.Message}");
            case BackupFormatException { Error: BackupFormatError.WrongPassword }:
                return (BackupFailureReason.WrongBackupPassword, "the phone's backup password given to Keepsake is wrong: update it (KEEPSAKE_BACKUP_PASSWORD or the configured file).");
            case WrongPasswordException:
                return (BackupFailureReason.WrongVaultPassword, "the vault password given to the service opens none of the vault's keys: fix KEEPSAKE_PASSWORD or the password file chosen at 'keepsake service install'.");
            case RepositoryLockedException locked:
                return (BackupFailureReason.VaultLocked, $"another program holds the vault: {locked.Message} The service tries again later.");
            case DeviceDisconnectedException or UsbmuxException:
                return (BackupFailureReason.Disconnected, $"the phone went away during the backup ({exception.Message}); nothing half-written was recorded, and the next backup resumes.");
            case IOException io when DeviceDisconnectedException.IsDisconnect(io):
                return (BackupFailureReason.Disconnected, $"the phone went away during the backup ({io.Message}); nothing half-written was recorded, and the next backup resumes.");
            case TimeoutException timeout:
                return (BackupFailureReason.PhoneLocked, $"the phone stopped answering ({timeout.Message}); it may be waiting for its passcode. Unlock it and keep it connected.");
            case MobileBackup2Exception backup:
                return (BackupFailureReason.Failed, $"the phone's backup service failed: {backup.Message}");
            case LockdownException lockdown:
                return (BackupFailureReason.Failed, $"the phone refused: {lockdown.Message}");
            default:
                return (BackupFailureReason.Failed, exception.Message);
        }
    }

    /// <summary>An HTTP status, title and detail for an exception met while serving an API call.</summary>
    public static (int Status, string Title, string Detail) ForApi(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        return exception switch
        {
            ServeConfigurationException config => (400, "Bad request", config.Message),
            WrongPasswordException => (503, "Vault password wrong", ForBackup(exception).Message),
            RepositoryLockedException locked => (503, "Vault locked", locked.Message),
            FileNotFoundException or DirectoryNotFoundException => (503, "Vault not found", $"the vault cannot be opened: {exception.Message}"),
            _ when FindDiskFull(exception) is not null => (507, "Disk full", ForBackup(exception).Message),
            IOException io => (503, "Vault unavailable", io.Message),
            _ => (500, "Service error", exception.Message),
        };
    }

    private static IOException? FindDiskFull(Exception? exception)
    {
        for (var depth = 0; exception is not null && depth < 16; depth++)
        {
            if (exception is VaultDiskFullException full)
            {
                return full;
            }

            if (exception is IOException io && (io.HResult & 0xFFFF) is 28 or 0x70 or 0x27)
            {
                return io;
            }

            exception = exception.InnerException;
        }

        return null;
    }
}
