using System.CommandLine;
using Keepsake.Engine.DeviceBackup;
using Keepsake.Primitives;

namespace Keepsake.Cli.Commands;

/// <summary>
/// <c>keepsake backup [--udid U] [--wifi ADDRESS] [--simulator] [--full] [--mirror DIR]</c>: back up each
/// connected iPhone into the vault. The phone sends only what changed since its latest snapshot, straight
/// into the vault; that becomes a new snapshot. With <c>--mirror</c> (opt-in) a plain Apple-layout copy
/// of the new snapshot is kept in DIR. A progress bar while it runs (plain lines when the output is not a
/// terminal), then a summary: what changed since the last snapshot, new data stored, duration.
/// </summary>
internal static class BackupCommand
{
    public static Command Create()
    {
        var udid = new Option<string?>("--udid") { Description = "Back up only this phone (with --wifi: check that the phone at ADDRESS is this one).", HelpName = "UDID" };
        var wifi = new Option<string?>("--wifi") { Description = "Reach the phone over Wi-Fi at this IP address (pair it over a cable with 'keepsake pair' first).", HelpName = "ADDRESS" };
        var simulator = new Option<bool>("--simulator") { Description = "Back up the built-in simulated iPhone (no phone needed)." };
        var phoneSize = PhoneOptions.Size();
        var seed = PhoneOptions.Seed();
        var chatMessages = PhoneOptions.ChatMessages();
        var photos = PhoneOptions.Photos();
        var mirror = new Option<string?>("--mirror")
        {
            Description = "Opt-in: also keep a plain copy of each phone's latest snapshot in Apple's layout in DIR/<UDID> (for Finder, iTunes or idevicebackup2), remade from the vault after each backup. It takes as much disk as the phone and is as readable as the phone's backup is (not encrypted unless the phone encrypts its backups). Off by default.",
            HelpName = "DIR",
        };
        var full = new Option<bool>("--full") { Description = "Ask the phone for a full backup even when it could send only the changes." };
        var passwordFile = CommonOptions.VaultPasswordFile();
        var backupPasswordFile = new Option<FileInfo?>("--backup-password-file")
        {
            Description = $"The phone's backup password (else {CommonOptions.BackupPasswordVariable}; never asked), to check what an encrypted backup holds, such as whether Messages in iCloud left the messages out.",
            HelpName = "FILE",
        };
        var command = new Command("backup", "Back up connected iPhones into the vault (created if needed), keeping every earlier snapshot.")
        {
            udid, wifi, simulator, phoneSize, seed, chatMessages, photos, full, mirror, passwordFile, backupPasswordFile,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var vault = VaultAccess.From(parse, parse.GetValue(passwordFile));
            await using var devices = new DeviceAccess();
            if (!parse.GetValue(simulator) && (parse.GetValue(phoneSize) is not null || parse.GetValue(seed) is not null || parse.GetValue(chatMessages) is not null || parse.GetValue(photos) is not null))
            {
                throw new UsageException("--phone-size, --seed, --phone-chat-messages and --phone-photos choose the simulated iPhone: use them with --simulator.");
            }

            var phone = PhoneOptions.Profile(parse.GetValue(phoneSize), parse.GetValue(seed), parse.GetValue(chatMessages), parse.GetValue(photos));
            var connectors = await devices.ConnectAsync(parse.GetValue(udid), parse.GetValue(wifi), parse.GetValue(simulator), cancellationToken, phone);
            using var repository = await vault.OpenOrCreateAsync(Console.Out, cancellationToken);
            using var backupPassword = BackupPassword(parse.GetValue(backupPasswordFile));
            var options = new DeviceBackupOptions { WorkingRoot = DeviceAccess.WorkingRoot(), TemporaryRoot = DeviceAccess.TemporaryRoot(), ForceFull = parse.GetValue(full), BackupPassword = backupPassword };
            foreach (var connector in connectors)
            {
                Console.WriteLine($"Backing up {connector.Udid} into {vault.Location}");
                var result = Console.IsOutputRedirected
                    ? await DeviceBackupJob.RunAsync(connector, repository, options, new PlainBackupProgress(Console.Out), cancellationToken)
                    : await LiveBackupProgress.RunAsync(progress => DeviceBackupJob.RunAsync(connector, repository, options, progress, cancellationToken));
                PrintSummary(result);
                if (parse.GetValue(mirror) is { } mirrorRoot)
                {
                    var (folder, restored, reused) = await BackupMirror.UpdateAsync(repository, result.Snapshot, mirrorRoot, cancellationToken);
                    Console.WriteLine($"  plain copy (--mirror) now equals snapshot {result.Snapshot.ShortId}: {folder} ({reused} files unchanged, {restored.Files} written)");
                }
            }

            return ExitCodes.Success;
        });
        return command;
    }

    /// <summary>The backup password when one was given by file or variable; a backup never prompts for it.</summary>
    private static Secret? BackupPassword(FileInfo? file)
    {
        if (file is null && string.IsNullOrEmpty(Environment.GetEnvironmentVariable(CommonOptions.BackupPasswordVariable)))
        {
            return null;
        }

        return new PasswordSource("backup", CommonOptions.BackupPasswordVariable, file?.FullName).Get();
    }

    private static void PrintSummary(DeviceBackupResult result)
    {
        var s = result.Snapshot;
        Console.WriteLine($"snapshot {s.ShortId} saved for {result.DeviceName} ({result.Udid}), {(result.WasFull ? "full" : "incremental")} backup, {(result.IsEncrypted ? "encrypted" : "NOT encrypted")}");
        if (result.Previous is null || result.ChangeSummary is not { } c)
        {
            Console.WriteLine($"  first snapshot of this phone: {result.Stored.FilesNew} files, {new ByteSize(result.Stored.TotalBytes)}");
        }
        else
        {
            Console.WriteLine($"  since snapshot {result.Previous.ShortId}: {c.AddedFiles} files added ({new ByteSize(c.AddedBytes)}), "
                + $"{c.ChangedFiles} changed ({new ByteSize(c.ChangedBytes)}), {c.RemovedFiles} removed ({new ByteSize(c.RemovedBytes)})");
        }

        Console.WriteLine($"  new data stored after deduplication: {new ByteSize(result.Stored.BytesAdded)}; took {result.Duration.TotalSeconds:0.0} s");
        if (result.MessagesInICloud.Notice is { } notice)
        {
            Console.WriteLine($"note: {notice}");
        }
        else if (result.MessagesInICloud.Enabled is null && result.IsEncrypted)
        {
            Console.WriteLine($"note: whether Messages in iCloud left the messages out of this encrypted backup was not checked ({result.MessagesInICloud.NotCheckedReason}); "
                + $"give the backup password with {CommonOptions.BackupPasswordVariable} or --backup-password-file to check.");
        }

        if (result.RemovedWorkingCopy is { } workingCopy)
        {
            Console.WriteLine($"note: the plain copy of this phone that earlier versions kept in {workingCopy} is now in this snapshot and was removed; backups go straight into the vault.");
        }

        foreach (var warning in result.Warnings)
        {
            Console.Error.WriteLine($"warning: {warning}");
        }
    }
}
