using System.CommandLine;
using System.Globalization;
using Keepsake.Engine.Vault;
using Keepsake.Export.History;

namespace Keepsake.Cli.Commands;

/// <summary>
/// <c>keepsake index [--delete]</c>: builds or brings up to date the vault's search index (see
/// <see cref="SearchIndex"/>): each phone snapshot not yet indexed is added, oldest first; snapshots
/// forgotten from the vault are dropped. Encrypted backups are indexed only when their password is given.
/// </summary>
internal static class IndexCommand
{
    public static Command Create()
    {
        var passwordFile = CommonOptions.VaultPasswordFile();
        var backupPasswordFile = new Option<FileInfo?>("--backup-password-file")
        {
            Description = $"The phone's backup password, to index encrypted backups too (else {CommonOptions.BackupPasswordVariable}; without either they are skipped).",
            HelpName = "FILE",
        };
        var delete = new Option<bool>("--delete") { Description = "Remove the search index (it is rebuilt by the next 'keepsake index')." };
        var command = new Command("index", "Build or update the search index across every snapshot ('keepsake search' reads it). It is a plain copy of your messages' text, kept owner-only outside the vault.")
        {
            passwordFile, backupPasswordFile, delete,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var vault = VaultAccess.From(parse, parse.GetValue(passwordFile));
            using var repository = await vault.OpenAsync(cancellationToken);
            var path = SearchIndexLocation.For(repository.Id);
            if (parse.GetValue(delete))
            {
                Console.WriteLine(SearchIndex.Delete(path) ? $"Removed the search index ({path})." : "There was no search index.");
                return ExitCodes.Success;
            }

            SearchIndexLocation.EnsureFts5();
            var created = !SearchIndex.Exists(path);
            using var index = SearchIndex.Open(path, create: true);
            if (created)
            {
                Console.WriteLine(SearchIndexLocation.Explanation(path));
            }

            var snapshots = (await repository.ListSnapshotsAsync(cancellationToken)).Where(AppleBackupTags.IsAppleBackup).OrderBy(s => s.Time).ToList();
            var inVault = snapshots.Select(s => s.Id.ToString()).ToHashSet(StringComparer.Ordinal);
            foreach (var gone in index.Snapshots().Where(s => !inVault.Contains(s.Id)))
            {
                index.RemoveSnapshot(gone.Id);
            }

            var backupPasswordGiven = parse.GetValue(backupPasswordFile) is not null || !string.IsNullOrEmpty(Environment.GetEnvironmentVariable(CommonOptions.BackupPasswordVariable));
            int added = 0, skipped = 0;
            foreach (var snapshot in snapshots)
            {
                var id = snapshot.Id.ToString();
                if (index.Contains(id))
                {
                    continue;
                }

                var encrypted = SnapshotBackupSource.ReadProperties(repository, snapshot).IsEncrypted;
                if (encrypted && !backupPasswordGiven)
                {
                    Console.WriteLine($"skipped {snapshot.ShortId}: an encrypted backup, and no backup password was given.");
                    skipped++;
                    continue;
                }

                using var password = encrypted ? BackupSourceOpener.BackupPassword(parse.GetValue(backupPasswordFile)) : null;
                using var source = encrypted ? SnapshotBackupSource.Open(repository, snapshot, password, cancellationToken) : SnapshotBackupSource.Open(repository, snapshot);
                var device = AppleBackupTags.Get(snapshot, "udid") ?? snapshot.Hostname ?? "unknown";
                var started = System.Diagnostics.Stopwatch.StartNew();
                var items = await index.AddSnapshotAsync(new IndexedSnapshot(id, snapshot.Time, device), source, cancellationToken);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"indexed {snapshot.ShortId} ({snapshot.Time.ToUniversalTime():yyyy-MM-dd HH:mm}): {items} items in {started.Elapsed.TotalSeconds:0.0} s"));
                added++;
            }

            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{added} {(added == 1 ? "snapshot" : "snapshots")} indexed, {index.Snapshots().Count} in the index{(skipped > 0 ? $", {skipped} skipped" : string.Empty)}."));
            return ExitCodes.Success;
        });
        return command;
    }
}
