using System.CommandLine;
using System.Globalization;
using Keepsake.Engine.History;
using Keepsake.Engine.Vault;
using Keepsake.Primitives;

namespace Keepsake.Cli.Commands;

/// <summary>
/// <c>keepsake diff A B</c>: what changed between two snapshots of a phone, as the phone names its files
/// (domain and path, through each backup's Manifest), with a summary by category. <c>--raw</c>, or
/// snapshots that hold no Apple backup, give the vault's own paths as <c>restic diff</c> prints them.
/// </summary>
internal static class DiffCommand
{
    public static Command Create()
    {
        var from = new Argument<string>("A") { Description = "The older snapshot." };
        var to = new Argument<string>("B") { Description = "The newer snapshot." };
        var passwordFile = CommonOptions.VaultPasswordFile();
        var backupPasswordFile = new Option<FileInfo?>("--backup-password-file")
        {
            Description = $"The phone's backup password, for encrypted backups (else {CommonOptions.BackupPasswordVariable}, else a prompt).",
            HelpName = "FILE",
        };
        var device = CommonOptions.Device("With latest: the phone whose latest snapshot to compare.");
        var raw = new Option<bool>("--raw") { Description = "List the vault's own paths with restic's modifiers (+, -, M, T) instead of the phone's files." };
        var data = new Option<bool>("--data") { Description = "Compare the phone's data item by item instead of its files: messages added and deleted (with their conversation, sender, date and text), contacts added, removed and changed, photos, calls and notes." };
        var kinds = new Option<string[]>("--kind")
        {
            Description = "With --data: only these kinds (messages, contacts, photos, calls, notes); repeat or separate with commas. Default: all.",
            HelpName = "KIND",
            AllowMultipleArgumentsPerToken = true,
        };
        var json = CommonOptions.Json();
        var command = new Command("diff", "Show the phone's files added (+), removed (-) and changed (M) between two snapshots, with their sizes and a summary by category (photos, messages, apps...); with --data, the messages, contacts, photos, calls and notes added, deleted and changed.")
        {
            from, to, device, passwordFile, backupPasswordFile, raw, data, kinds, json,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var dataKinds = DiffDataOutput.ParseKinds(parse.GetValue(kinds));
            if (dataKinds is not null && !parse.GetValue(data))
            {
                throw new UsageException("--kind chooses what 'keepsake diff --data' compares: use it with --data.");
            }

            if (parse.GetValue(data) && parse.GetValue(raw))
            {
                throw new UsageException("--raw lists the vault's files and --data the phone's data: use one of them.");
            }

            var vault = VaultAccess.From(parse, parse.GetValue(passwordFile));
            using var repository = await vault.OpenAsync(cancellationToken);
            var a = await SnapshotChoice.FindAsync(repository, parse.GetValue(from)!, parse.GetValue(device), cancellationToken);
            var b = await SnapshotChoice.FindAsync(repository, parse.GetValue(to)!, parse.GetValue(device), cancellationToken);
            if (parse.GetValue(data))
            {
                return await DiffDataOutput.RunAsync(repository, a, b, dataKinds, parse.GetValue(backupPasswordFile), parse.GetValue(json), cancellationToken);
            }

            if (parse.GetValue(raw) || !AppleBackupTags.IsAppleBackup(a) || !AppleBackupTags.IsAppleBackup(b))
            {
                return await RawAsync(repository, a, b, parse.GetValue(json), cancellationToken);
            }

            using var backupPassword = SnapshotBackupSource.ReadProperties(repository, b).IsEncrypted || SnapshotBackupSource.ReadProperties(repository, a).IsEncrypted
                ? BackupSourceOpener.BackupPassword(parse.GetValue(backupPasswordFile))
                : null;
            var diff = await BackupFileDiff.CompareAsync(repository, a, b, backupPassword, cancellationToken);
            if (parse.GetValue(json))
            {
                JsonOutput.WriteArray(Console.Out, diff.Changes, (w, c) =>
                {
                    w.WriteString("change", c.Kind.ToString().ToLowerInvariant());
                    w.WriteString("domain", c.Domain);
                    w.WriteString("path", c.RelativePath);
                    w.WriteString("category", c.Category.ToString().ToLowerInvariant());
                    w.WriteNumber("size", c.Size);
                    if (c.Kind == BackupChangeKind.Changed)
                    {
                        w.WriteNumber("previousSize", c.PreviousSize);
                    }
                });
                return ExitCodes.Success;
            }

            foreach (var change in diff.Changes)
            {
                Console.WriteLine(Line(change));
            }

            if (diff.Changes.Count > 0)
            {
                Console.WriteLine();
            }

            foreach (var category in diff.Summary)
            {
                Console.WriteLine($"{category.Category}: {Counts(category.Added, category.AddedBytes, category.Removed, category.RemovedBytes, category.Changed, category.ChangedBytes)}");
            }

            Console.WriteLine(diff.Changes.Count == 0
                ? "No files changed."
                : "In all: " + Counts(
                    diff.Summary.Sum(c => c.Added), diff.Summary.Sum(c => c.AddedBytes),
                    diff.Summary.Sum(c => c.Removed), diff.Summary.Sum(c => c.RemovedBytes),
                    diff.Summary.Sum(c => c.Changed), diff.Summary.Sum(c => c.ChangedBytes)));
            return ExitCodes.Success;
        });
        return command;
    }

    private static string Line(BackupFileChange change) => change.Kind switch
    {
        BackupChangeKind.Added => $"+  {change.Domain} {change.RelativePath} ({new ByteSize(change.Size)})",
        BackupChangeKind.Removed => $"-  {change.Domain} {change.RelativePath} ({new ByteSize(change.Size)})",
        _ => $"M  {change.Domain} {change.RelativePath} ({new ByteSize(change.Size)}, was {new ByteSize(change.PreviousSize)})",
    };

    private static string Counts(int added, long addedBytes, int removed, long removedBytes, int changed, long changedBytes)
    {
        var parts = new List<string>();
        if (added > 0)
        {
            parts.Add(string.Create(CultureInfo.InvariantCulture, $"{added} {Files(added)} added ({new ByteSize(addedBytes)})"));
        }

        if (removed > 0)
        {
            parts.Add(string.Create(CultureInfo.InvariantCulture, $"{removed} {Files(removed)} removed ({new ByteSize(removedBytes)})"));
        }

        if (changed > 0)
        {
            parts.Add(string.Create(CultureInfo.InvariantCulture, $"{changed} {Files(changed)} changed ({new ByteSize(changedBytes)})"));
        }

        return string.Join(", ", parts);
    }

    private static string Files(int count) => count == 1 ? "file" : "files";

    private static async Task<int> RawAsync(Repository.Repository repository, Repository.Snapshots.Snapshot a, Repository.Snapshots.Snapshot b, bool json, CancellationToken cancellationToken)
    {
        var changes = await repository.DiffAsync(a, b, cancellationToken);
        if (json)
        {
            JsonOutput.WriteArray(Console.Out, changes, (w, c) =>
            {
                w.WriteString("path", c.Path);
                w.WriteString("modifier", c.Modifier);
            });
            return ExitCodes.Success;
        }

        foreach (var change in changes)
        {
            Console.WriteLine(change.ToString());
        }

        Console.WriteLine($"{changes.Count(c => c.Modifier == "+")} added, {changes.Count(c => c.Modifier == "-")} removed, {changes.Count(c => c.Modifier != "+" && c.Modifier != "-")} changed");
        return ExitCodes.Success;
    }
}
