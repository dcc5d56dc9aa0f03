using System.CommandLine;
using System.Globalization;
using Keepsake.Primitives;
using Keepsake.Repository;

namespace Keepsake.Cli.Commands;

/// <summary><c>keepsake forget --keep-… [--prune]</c>: drop snapshots a retention policy does not keep.</summary>
internal static class ForgetCommand
{
    public static Command Create()
    {
        Option<int> Keep(string name, string what) => new($"--keep-{name}") { Description = $"Keep the last N {what}.", HelpName = "N" };
        var last = Keep("last", "snapshots");
        var hourly = Keep("hourly", "hourly snapshots");
        var daily = Keep("daily", "daily snapshots");
        var weekly = Keep("weekly", "weekly snapshots");
        var monthly = Keep("monthly", "monthly snapshots");
        var yearly = Keep("yearly", "yearly snapshots");
        var within = new Option<string?>("--keep-within") { Description = "Keep every snapshot younger than this (e.g. 30d, 12h, 1y2m).", HelpName = "DURATION" };
        var tags = new Option<string[]>("--keep-tag") { Description = "Keep snapshots with this tag.", HelpName = "TAG", AllowMultipleArgumentsPerToken = false };
        var prune = new Option<bool>("--prune") { Description = "Then remove the data only forgotten snapshots used." };
        var dryRun = new Option<bool>("--dry-run") { Description = "Only say what would be forgotten." };
        var passwordFile = CommonOptions.VaultPasswordFile();
        var json = CommonOptions.Json();
        var command = new Command("forget", "Forget the snapshots a retention policy does not keep (each device's snapshots separately, by host).")
        {
            last, hourly, daily, weekly, monthly, yearly, within, tags, prune, dryRun, passwordFile, json,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var policy = new RetentionPolicy
            {
                Last = parse.GetValue(last),
                Hourly = parse.GetValue(hourly),
                Daily = parse.GetValue(daily),
                Weekly = parse.GetValue(weekly),
                Monthly = parse.GetValue(monthly),
                Yearly = parse.GetValue(yearly),
                Within = parse.GetValue(within) is { } w ? ParseDuration(w) : null,
                Tags = parse.GetValue(tags) ?? [],
            };
            if (policy.IsEmpty)
            {
                throw new UsageException("give a policy (--keep-last, --keep-daily, ...): forget never removes every snapshot.");
            }

            var vault = VaultAccess.From(parse, parse.GetValue(passwordFile));
            using var repository = await vault.OpenAsync(cancellationToken);
            var result = await repository.ForgetAsync(policy, parse.GetValue(dryRun), cancellationToken);
            if (parse.GetValue(json))
            {
                var skipped = VaultAccess.WarnSkipped(repository, Console.Error) > 0;
                var pruned = parse.GetValue(prune) && !parse.GetValue(dryRun) ? await repository.PruneAsync(PruneCommand.GracePeriod, cancellationToken) : null;
                JsonOutput.WriteObject(Console.Out, w =>
                {
                    w.WriteBoolean("dryRun", parse.GetValue(dryRun));
                    w.WriteStartArray("kept");
                    foreach (var s in result.Kept)
                    {
                        w.WriteSnapshot(s);
                    }

                    w.WriteEndArray();
                    w.WriteStartArray("forgotten");
                    foreach (var s in result.Removed)
                    {
                        w.WriteSnapshot(s);
                    }

                    w.WriteEndArray();
                    if (pruned is null)
                    {
                        w.WriteNull("prune");
                    }
                    else
                    {
                        w.WriteStartObject("prune");
                        PruneCommand.WritePrune(w, pruned);
                        w.WriteEndObject();
                    }
                });
                return skipped ? ExitCodes.Partial : ExitCodes.Success;
            }

            foreach (var s in result.Removed)
            {
                Console.WriteLine($"{(parse.GetValue(dryRun) ? "would forget" : "forgot")} {s.ShortId} {s.Time.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture)} {s.Hostname}");
            }

            var code = VaultAccess.WarnSkipped(repository, Console.Error) > 0 ? ExitCodes.Partial : ExitCodes.Success;
            Console.WriteLine($"{result.Kept.Count} snapshots kept, {result.Removed.Count} {(parse.GetValue(dryRun) ? "would be " : "")}forgotten");
            if (parse.GetValue(prune) && !parse.GetValue(dryRun))
            {
                var pruned = await repository.PruneAsync(PruneCommand.GracePeriod, cancellationToken);
                Console.WriteLine($"pruned: {pruned.PacksRemoved} packs removed, {pruned.PacksRepacked} repacked, {new ByteSize(pruned.BytesFreed)} freed");
            }

            return code;
        });
        return command;
    }

    /// <summary>restic's duration syntax (<see cref="RetentionDuration.Parse"/>); a bad one is a usage error.</summary>
    internal static RetentionDuration ParseDuration(string text)
    {
        try
        {
            var duration = RetentionDuration.Parse(text);
            return duration.IsZero ? throw new UsageException($"invalid duration '{text}': it is zero.") : duration;
        }
        catch (FormatException e)
        {
            throw new UsageException(e.Message);
        }
    }
}
