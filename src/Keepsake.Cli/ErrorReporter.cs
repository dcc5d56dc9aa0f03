using Keepsake.BackupFormat;
using Keepsake.Device.Lockdown;
using Keepsake.Device.Services.MobileBackup2;
using Keepsake.Device.Transport;
using Keepsake.Device.Usbmux;
using Keepsake.Export;
using Keepsake.Plist;
using Keepsake.Primitives;
using Keepsake.Repository;
using Keepsake.Repository.Backends;
using Keepsake.Repository.S3;

namespace Keepsake.Cli;

/// <summary>
/// The one place where an exception becomes a message and an exit code. Messages say what failed
/// and where; exception types from every layer are mapped here and nowhere else. Stack traces are
/// printed only with KEEPSAKE_DEBUG=1. No message ever includes a secret: the layers never put one
/// in an exception, and this class prints only exception messages.
/// </summary>
internal static class ErrorReporter
{
    public static int Report(Exception exception, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(exception);
        ArgumentNullException.ThrowIfNull(error);
        var (code, message) = Classify(exception);
        error.WriteLine($"keepsake: {message}");
        if (Environment.GetEnvironmentVariable("KEEPSAKE_DEBUG") == "1")
        {
            error.WriteLine(exception.ToString());
        }

        return code;
    }

    public static (int Code, string Message) Classify(Exception exception)
    {
        if (FindDiskFull(exception) is { } full)
        {
            // First: a full disk wrapped in a storage error, or surfacing as the cancellation it caused.
            return (ExitCodes.DiskFull, $"the disk is full: {full.Message}");
        }

        switch (exception)
        {
            case AggregateException { InnerExceptions.Count: 1 } aggregate:
                return Classify(aggregate.InnerExceptions[0]);
            case OperationCanceledException:
                return (ExitCodes.Cancelled, "interrupted.");
            case UsageException usage:
                return (ExitCodes.Usage, usage.Message);
            case Keepsake.Service.ServeConfigurationException config:
                return (ExitCodes.ConfigInvalid, config.Message);
            case BackupFormatException backup:
                return (backup.Error switch
                {
                    BackupFormatError.WrongPassword => ExitCodes.WrongPassword,
                    BackupFormatError.PasswordRequired => ExitCodes.PasswordRequired,
                    BackupFormatError.MissingFile => ExitCodes.NotFound,
                    _ => ExitCodes.CorruptData,
                }, backup.Message);
            case PlistFormatException plist:
                return (ExitCodes.CorruptData, $"corrupt property list: {plist.Message}");
            case PathEscapeException escape:
                return (ExitCodes.CorruptData, escape.Message);
            case Keepsake.Engine.Vault.RestoreTargetExistsException exists:
                return (ExitCodes.Usage, exists.Message);
            case NotConfirmedException declined:
                return (ExitCodes.Cancelled, declined.Message);
            case AmbiguousDeviceException ambiguous:
                return (ExitCodes.Usage, ambiguous.Message);
            case NoDeviceException none:
                return (ExitCodes.NoDevice, none.Message);
            case LockdownException lockdown:
                return (ExitCodes.DeviceError, lockdown.Message);
            case UsbmuxException usbmux:
                return (ExitCodes.DeviceError, $"usbmuxd: {usbmux.Message}");
            case MobileBackup2Exception { Operation: "ChangePassword", ErrorCode: WrongOldBackupPassword }:
                return (ExitCodes.WrongPassword, "the iPhone refused: the current backup password given is wrong. Nothing was changed on the phone.");
            case MobileBackup2Exception backup:
                return (ExitCodes.DeviceError, $"the iPhone's backup service failed: {backup.Message}");
            case DeviceDisconnectedException disconnected:
                return (ExitCodes.DeviceError, $"the connection to the iPhone was lost: {disconnected.Message} {Reconnect}");
            case DeviceProtocolException protocol:
                return (ExitCodes.DeviceError, $"the connection to the iPhone failed: {protocol.Message} {Reconnect}");
            case TimeoutException timeout:
                // Only device reads time out (ServiceConnection.ReceiveTimeout, MobileBackup2Client.IdleTimeout): a hung or locked phone.
                return (ExitCodes.DeviceError, $"the iPhone stopped answering ({timeout.Message}). Unlock it and keep it unlocked and connected, then run the command again; a backup resumes where it stopped.");
            case NoDataException none:
                return (ExitCodes.NoData, none.Message);
            case ExportException export:
                return (ExitCodes.CorruptData, $"export failed: {export.Message}");
            case VaultNotFoundException vault:
                return (ExitCodes.VaultNotFound, vault.Message);
            case WrongPasswordException wrong:
                return (ExitCodes.WrongPassword, wrong.KeyIds.Count is > 0 and <= 3
                    ? $"wrong vault password: it opens none of the vault's keys (key file {string.Join(", ", wrong.KeyIds)}). If the password is right, that key file is damaged."
                    : "wrong vault password: it opens none of the vault's keys.");
            case RepositoryLockedException locked:
                return (ExitCodes.VaultLocked, locked.Message);
            case RepositoryCorruptedException corrupted:
                return (ExitCodes.CorruptData, $"the vault is damaged: {corrupted.Message}");
            case S3BucketNotFoundException bucket:
                return (ExitCodes.VaultNotFound, bucket.Message);
            case S3AccessDeniedException denied:
                return (ExitCodes.VaultAccessDenied, denied.Message);
            case BackendException { IsTransient: true } unreachable:
                return (ExitCodes.VaultUnreachable, $"the vault's storage did not answer, even after retries: {unreachable.Message} Nothing half-written counts: run the command again when it is reachable.");
            case BackendException backend when !backend.IsTransient:
                return (ExitCodes.Failure, $"vault storage error: {backend.Message}");
            case KeyNotFoundException notFound:
                return (ExitCodes.NotFound, notFound.Message);
            case PasswordUnavailableException password:
                return (ExitCodes.PasswordRequired, password.Message);
            case FileNotFoundException notFound:
                return (ExitCodes.NotFound, notFound.Message);
            case DirectoryNotFoundException notFound:
                return (ExitCodes.NotFound, notFound.Message);
            case Microsoft.Data.Sqlite.SqliteException sqlite:
                // A database outside an export's guard (which names it): damaged or not a database at all.
                return (ExitCodes.CorruptData, $"a database cannot be read, it is damaged or not a database (SQLite error {sqlite.SqliteErrorCode}: {sqlite.Message})");
            case InvalidDataException or FormatException:
                // Every reader's typed error extends one of these (house rule): bad bytes, never a bug of ours.
                return (ExitCodes.CorruptData, $"corrupt or unreadable data: {exception.Message}");
            case IOException io when DeviceDisconnectedException.IsDisconnect(io):
                return (ExitCodes.DeviceError, $"the connection to the iPhone was lost ({io.Message}). {Reconnect}");
            case UnauthorizedAccessException denied:
                return (ExitCodes.Failure, $"permission denied: {denied.Message}");
            case IOException io:
                return (ExitCodes.Failure, $"I/O error: {io.Message}");
            case NotSupportedException unsupported:
                return (ExitCodes.Failure, unsupported.Message);
            default:
                // A bug: the message, never the exception's type; KEEPSAKE_DEBUG=1 prints the whole of it.
                return (ExitCodes.Failure, $"unexpected error: {exception.Message} This is a bug in keepsake: please report it with the output of the same command run with KEEPSAKE_DEBUG=1.");
        }
    }

    /// <summary>The ErrorCode that ends ChangePassword when the old password is wrong (the simulated iPhone's; a real phone's code is not confirmed).</summary>
    private const long WrongOldBackupPassword = 207;

    private const string Reconnect = "Reconnect the iPhone (check the cable or Wi-Fi), unlock it and run the command again; a backup resumes where it stopped.";

    /// <summary>The disk-full error in <paramref name="exception"/> or anything it wraps, or null.</summary>
    private static IOException? FindDiskFull(Exception? exception)
    {
        for (var depth = 0; exception is not null && depth < 16; depth++)
        {
            if (exception is IOException io && IsDiskFull(io))
            {
                return io;
            }

            if (exception is AggregateException aggregate)
            {
                return aggregate.InnerExceptions.Select(FindDiskFull).FirstOrDefault(e => e is not null);
            }

            exception = exception.InnerException;
        }

        return null;
    }

    private static bool IsDiskFull(IOException exception)
    {
        // ENOSPC (28) on Unix; ERROR_DISK_FULL (0x70) and ERROR_HANDLE_DISK_FULL (0x27) on Windows.
        var code = exception.HResult & 0xFFFF;
        return code is 28 or 0x70 or 0x27;
    }
}
