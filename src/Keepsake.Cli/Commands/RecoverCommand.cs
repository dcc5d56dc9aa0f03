using System.CommandLine;
using System.Globalization;
using Keepsake.Engine.Vault;
using Keepsake.Export.History;
using Keepsake.Repository.Snapshots;

namespace Keepsake.Cli.Commands;

/// <summary>
/// <c>keepsake recover messages [--since DATE] [--device UDID] [--json]</c>: every message an older snapshot
/// holds and the phone's latest snapshot does not ("not in later backups"), with the last snapshot that had
/// it, and those the latest backup keeps in iOS's Recently Deleted; one conversation after another.
/// </summary>
internal static class RecoverCommand
{
    public static Command Create()
    {
        var kind = new Argument<string>("KIND") { Description = "What to recover: messages." };
        var since = CommonOptions.Date("--since", "Only messages sent on or after this date (YYYY-MM-DD).");
        var device = new Option<string?>("--device") { Description = "The phone (its UDID); needed when the vault holds several.", HelpName = "UDID" };
        var passwordFile = CommonOptions.VaultPasswordFile();
        var backupPasswordFile = new Option<FileInfo?>("--backup-password-file")
        {
            Description = $"The phone's backup password, for encrypted backups (else {CommonOptions.BackupPasswordVariable}, else a prompt).",
            HelpName = "FILE",
        };
        var json = CommonOptions.Json();
        var command = new Command("recover", "List the messages deleted from the phone that older snapshots still hold ('not in later backups': deleted, or removed by iCloud sync or auto-expiry), and those in the latest backup's Recently Deleted.")
        {
            kind, since, device, passwordFile, backupPasswordFile, json,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            if (!string.Equals(parse.GetValue(kind), "messages", StringComparison.OrdinalIgnoreCase))
            {
                throw new UsageException($"keepsake recover cannot recover '{parse.GetValue(kind)}' yet: it recovers messages.");
            }

            var vault = VaultAccess.From(parse, parse.GetValue(passwordFile));
            using var repository = await vault.OpenAsync(cancellationToken);
            var phones = (await repository.ListSnapshotsAsync(cancellationToken)).Where(AppleBackupTags.IsAppleBackup)
                .GroupBy(s => AppleBackupTags.Get(s, "udid") ?? string.Empty).ToList();
            var asked = parse.GetValue(device);
            var chosen = asked is null ? phones : [.. phones.Where(g => string.Equals(g.Key, asked, StringComparison.OrdinalIgnoreCase))];
            if (chosen.Count == 0)
            {
                throw new KeyNotFoundException(asked is null ? "the vault holds no phone backup." : $"the vault holds no backup of device {asked}.");
            }

            if (chosen.Count > 1)
            {
                throw new UsageException($"the vault holds backups of {chosen.Count} phones: choose one with --device ({string.Join(", ", chosen.Select(g => g.Key))}).");
            }

            var snapshots = chosen[0].OrderBy(s => s.Time).ToList();
            var encrypted = snapshots.Any(s => SnapshotBackupSource.ReadProperties(repository, s).IsEncrypted);
            using var password = encrypted ? BackupSourceOpener.BackupPassword(parse.GetValue(backupPasswordFile)) : null;
            if (encrypted)
            {
                OwnerOnlyOutput.Apply();
            }

            Keepsake.BackupFormat.IBackupFileSource Open(Snapshot s) =>
                SnapshotBackupSource.ReadProperties(repository, s).IsEncrypted ? SnapshotBackupSource.Open(repository, s, password, cancellationToken) : SnapshotBackupSource.Open(repository, s);

            var latest = snapshots[^1];
            using var latestSource = Open(latest);
            var found = await MessageRecovery.FindAsync(
                latestSource,
                latest.Id.ToString(),
                snapshots.Take(snapshots.Count - 1).Select(s => (s.Id.ToString(), s.Time, (Func<Keepsake.BackupFormat.IBackupFileSource>)(() => Open(s)))),
                parse.GetValue(since),
                cancellationToken);
            if (parse.GetValue(json))
            {
                JsonOutput.WriteArray(Console.Out, found, (w, r) =>
                {
                    w.WriteString("id", r.Message.Id);
                    w.WriteString("guid", r.Message.Id["message:".Length..]);
                    w.WriteString("chat", r.Message.Title);
                    w.WriteString("sender", r.Message.Sender);
                    if (r.Message.Date is { } date)
                    {
                        w.WriteDate("date", date);
                    }
                    else
                    {
                        w.WriteNull("date");
                    }

                    w.WriteString("text", r.Message.Text);
                    w.WriteString("status", r.InRecentlyDeleted ? "recently-deleted" : "not-in-later-backups");
                    w.WriteString("lastSnapshot", r.LastSnapshot);
                });
                return ExitCodes.Success;
            }

            foreach (var chat in found.GroupBy(r => r.Message.Title))
            {
                Console.WriteLine($"== {chat.Key}");
                foreach (var r in chat)
                {
                    var when = r.Message.Date?.ToUniversalTime().ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) ?? "(no date)";
                    var label = r.InRecentlyDeleted ? "in Recently Deleted" : $"not in later backups; last in {r.LastSnapshot[..8]}";
                    Console.WriteLine($"{when}  {r.Message.Sender}: {r.Message.Text.ReplaceLineEndings(" ")}  [{label}]");
                }

                Console.WriteLine();
            }

            Console.WriteLine(found.Count == 0
                ? $"No deleted messages: the latest snapshot ({latest.ShortId}) holds every message of the {snapshots.Count - 1} older ones."
                : string.Create(CultureInfo.InvariantCulture, $"{found.Count} {(found.Count == 1 ? "message" : "messages")} in {found.Select(r => r.Message.Title).Distinct().Count()} conversations, compared with the latest snapshot {latest.ShortId}."));
            return ExitCodes.Success;
        });
        return command;
    }
}
