using System.CommandLine;

namespace Keepsake.Cli.Commands;

/// <summary>
/// <c>keepsake repair index</c> and <c>keepsake repair snapshots [--forget] [--dry-run]</c>: bring a
/// damaged vault back without restic (restic 0.14's <c>rebuild-index</c>, and the semantics of
/// restic 0.16's <c>repair snapshots</c>).
/// </summary>
internal static class RepairCommand
{
    public static Command Create()
    {
        var command = new Command("repair", "Repair a damaged vault: 'repair index' first, then 'repair snapshots'.");
        foreach (var sub in new[] { CreateIndex(), CreateSnapshots() })
        {
            sub.Description += HelpExamples.Section($"repair {sub.Name}") + Environment.NewLine + Environment.NewLine + ExitCodes.HelpPointer;
            command.Subcommands.Add(sub);
        }

        return command;
    }

    private static Command CreateIndex()
    {
        var passwordFile = CommonOptions.VaultPasswordFile();
        var command = new Command("index", "Rebuild the index from the packs' own headers and delete the old index files (as restic's rebuild-index). Packs whose header cannot be read are listed and left in place.")
        {
            passwordFile,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var vault = new VaultAccess(parse.GetValue(CommonOptions.Vault), parse.GetValue(passwordFile));
            using var repository = await vault.OpenAsync(cancellationToken);
            var result = await repository.RepairIndexAsync(cancellationToken: cancellationToken);
            foreach (var pack in result.UnreadablePacks)
            {
                Console.Error.WriteLine($"unreadable, left out of the index: {pack.Message}");
            }

            Console.WriteLine($"indexed {result.PacksIndexed} packs ({result.BlobsIndexed} blobs) in {result.IndexFilesWritten.Count} new index files; removed {result.IndexFilesRemoved.Count} old index files");
            return result.UnreadablePacks.Count > 0 ? ExitCodes.Partial : ExitCodes.Success;
        });
        return command;
    }

    private static Command CreateSnapshots()
    {
        var forget = new Option<bool>("--forget") { Description = "Remove each damaged snapshot once its repaired copy is saved, and snapshot files that cannot be read at all." };
        var dryRun = new Option<bool>("--dry-run", "-n") { Description = "Only say what would be repaired; write and remove nothing." };
        var passwordFile = CommonOptions.VaultPasswordFile();
        var command = new Command("snapshots", "Rewrite snapshots that need missing data: files keep what is still there, unreadable folders become empty. Needs a sound index: run 'repair index' first.")
        {
            forget, dryRun, passwordFile,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var vault = new VaultAccess(parse.GetValue(CommonOptions.Vault), parse.GetValue(passwordFile));
            using var repository = await vault.OpenAsync(cancellationToken);
            var isDryRun = parse.GetValue(dryRun);
            var result = await repository.RepairSnapshotsAsync(parse.GetValue(forget), isDryRun, cancellationToken: cancellationToken);
            var remaining = 0;
            foreach (var damage in result.UnreadableSnapshots)
            {
                Console.WriteLine($"snapshot file {damage.ObjectId} cannot be read ({damage.Problem}): {(result.UnreadableRemoved ? "removed" : isDryRun ? "would be removed with --forget" : "kept; --forget removes it")}");
                remaining += result.UnreadableRemoved ? 0 : 1;
            }

            foreach (var repair in result.Repairs)
            {
                Console.WriteLine($"snapshot {repair.Original.ShortId} of {repair.Original.Time.UtcDateTime:yyyy-MM-dd HH:mm:ss}:");
                foreach (var change in repair.Changes)
                {
                    Console.WriteLine($"  {change}");
                }

                if (repair.RootUnreadable)
                {
                    Console.WriteLine("  its root tree cannot be read: nothing to keep; remove it with 'keepsake forget' or restore it from a copy");
                    remaining++;
                }
                else if (repair.Repaired is { } repaired)
                {
                    Console.WriteLine($"  saved as snapshot {repaired.ShortId}{(repair.OriginalRemoved ? "; the damaged original is removed" : "; the damaged original is kept (--forget removes it)")}");
                }
                else
                {
                    Console.WriteLine("  would be saved as a new snapshot");
                }
            }

            Console.WriteLine($"{result.Intact} snapshots intact, {result.Repairs.Count} damaged{(isDryRun ? " (dry run: nothing written)" : string.Empty)}");
            return remaining > 0 ? ExitCodes.Partial : ExitCodes.Success;
        });
        return command;
    }
}
