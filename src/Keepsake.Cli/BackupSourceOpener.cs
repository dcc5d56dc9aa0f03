using Keepsake.BackupFormat;

namespace Keepsake.Cli;

/// <summary>
/// Turns the BACKUP argument of info, ls and extract into an <see cref="IBackupFileSource"/>.
/// An encrypted backup's password is asked for only when the backup is encrypted, and checked
/// (by opening) before the command does anything else.
/// </summary>
internal static class BackupSourceOpener
{
    public static IBackupFileSource Open(string backup, FileInfo? passwordFile)
    {
        if (!Directory.Exists(backup))
        {
            throw new DirectoryNotFoundException($"backup folder '{backup}' does not exist.");
        }

        var properties = BackupFolder.ReadProperties(backup);
        if (!properties.IsEncrypted)
        {
            return BackupFolder.Open(backup);
        }

        using var password = new PasswordSource("backup", CommonOptions.BackupPasswordVariable, passwordFile?.FullName).Get();
        return BackupFolder.Open(backup, password);
    }
}
