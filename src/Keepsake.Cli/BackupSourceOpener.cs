using Keepsake.BackupFormat;
using Keepsake.Engine.Vault;

namespace Keepsake.Cli;

/// <summary>
/// Turns the BACKUP argument of info, ls and extract into an <see cref="IBackupFileSource"/>: a backup
/// folder, or a snapshot of the vault (an ID, a unique ID prefix, or <c>latest</c>), read in place.
/// An encrypted backup's password is asked for only when the backup is encrypted, and checked (by
/// opening) before the command does anything else. Once an encrypted backup is open, every file the
/// command writes is owner-only (<see cref="OwnerOnlyOutput"/>): its plaintext must not be readable by others.
/// </summary>
internal static class BackupSourceOpener
{
    public static async Task<IBackupFileSource> OpenAsync(string backup, FileInfo? backupPasswordFile, VaultAccess vault, CancellationToken cancellationToken, string? device = null)
    {
        var source = await OpenSourceAsync(backup, backupPasswordFile, vault, device, cancellationToken);
        try
        {
            if (source.Properties.IsEncrypted)
            {
                OwnerOnlyOutput.Apply();
            }

            await TestHooks.PauseAfterOpenAsync(cancellationToken);
            return source;
        }
        catch
        {
            source.Dispose();
            throw;
        }
    }

    private static async Task<IBackupFileSource> OpenSourceAsync(string backup, FileInfo? backupPasswordFile, VaultAccess vault, string? device, CancellationToken cancellationToken)
    {
        if (Directory.Exists(backup))
        {
            var properties = BackupFolder.ReadProperties(backup);
            if (!properties.IsEncrypted)
            {
                return BackupFolder.Open(backup);
            }

            using var password = BackupPassword(backupPasswordFile);
            return BackupFolder.Open(backup, password, cancellationToken);
        }

        if (!LooksLikeSnapshot(backup) || !await vault.ExistsAsync(cancellationToken))
        {
            throw new DirectoryNotFoundException(LooksLikeSnapshot(backup)
                ? $"'{backup}' is neither a backup folder nor a snapshot: there is no vault at {vault.Location}."
                : $"backup folder '{backup}' does not exist.");
        }

        var repository = await vault.OpenAsync(cancellationToken);
        try
        {
            var snapshot = await SnapshotChoice.FindAsync(repository, backup, device, cancellationToken);
            var snapshotProperties = SnapshotBackupSource.ReadProperties(repository, snapshot);
            IBackupFileSource source;
            if (snapshotProperties.IsEncrypted)
            {
                using var password = BackupPassword(backupPasswordFile);
                source = SnapshotBackupSource.Open(repository, snapshot, password, cancellationToken);
            }
            else
            {
                source = SnapshotBackupSource.Open(repository, snapshot);
            }

            return new OwningSource(source, repository);
        }
        catch
        {
            repository.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Writes the Manifest rows the command's enumeration skipped (one line each, to stderr) and gives
    /// the exit code: <see cref="ExitCodes.Partial"/> when there were any, else <paramref name="otherwise"/>.
    /// </summary>
    public static int ReportUnreadable(IBackupFileSource source, int otherwise = ExitCodes.Success)
    {
        var unreadable = source.UnreadableEntries;
        foreach (var entry in unreadable)
        {
            Console.Error.WriteLine($"skipped, unreadable: {entry.Message}");
        }

        var damaged = source.Properties.DamagedFiles;
        foreach (var file in damaged)
        {
            Console.Error.WriteLine($"damaged, read as missing: {file.Message}");
        }

        return unreadable.Count > 0 || damaged.Count > 0 ? ExitCodes.Partial : otherwise;
    }

    public static bool LooksLikeSnapshot(string value) =>
        value == "latest" || (value.Length is >= 4 and <= 64 && value.All(char.IsAsciiHexDigit));

    internal static Primitives.Secret BackupPassword(FileInfo? file) =>
        new PasswordSource("backup", CommonOptions.BackupPasswordVariable, file?.FullName).Get();

    /// <summary>
    /// A source that also closes the vault it reads from, first warning of the damaged vault files
    /// that reading skipped (known only once the reading is done).
    /// </summary>
    private sealed class OwningSource(IBackupFileSource inner, Repository.Repository owner) : IBackupFileSource
    {
        public BackupProperties Properties => inner.Properties;

        public IEnumerable<BackupEntry> Entries(string? domain = null, string? pathPrefix = null) => inner.Entries(domain, pathPrefix);

        public BackupEntry? FindEntry(string domain, string relativePath) => inner.FindEntry(domain, relativePath);

        public Stream OpenRead(BackupEntry entry) => inner.OpenRead(entry);

        public IReadOnlyCollection<BackupFormatException> UnreadableEntries => inner.UnreadableEntries;

        public void Dispose()
        {
            inner.Dispose();
            VaultAccess.WarnSkipped(owner, Console.Error);
            owner.Dispose();
        }
    }
}
