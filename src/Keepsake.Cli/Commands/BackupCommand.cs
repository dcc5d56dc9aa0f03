using System.CommandLine;
using Keepsake.Engine.DeviceBackup;
using Keepsake.Primitives;

namespace Keepsake.Cli.Commands;

/// <summary>
/// <c>keepsake backup [--device UDID|NAME] [--all] [--wifi ADDRESS] [--simulator] [--full] [--mirror DIR]</c>: back up
/// the connected iPhone (the chosen one when several are; each with --all) into the vault. The phone sends only
/// what changed since its latest snapshot, straight into the vault; that becomes a new snapshot. With
/// <c>--mirror</c> (opt-in) a plain Apple-layout copy of the new snapshot is kept in DIR. A progress bar while it runs (plain lines when the output is not a
/// terminal), then a summary: what changed since the last snapshot, new data stored, duration.
/// </summary>
internal static class BackupCommand
{
    public static Command Create()
    {
        var udid = CommonOptions.Device("The phone to back up, needed when more than one is connected (with --wifi or --simulator: checked against the phone found).");
        var all = new Option<bool>("--all") { Description = "Back up every connected phone, one after the other." };
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
        var json = CommonOptions.Json();
        var full = new Option<bool>("--full") { Description = "Ask the phone for a full backup even when it could send only the changes." };
        var passwordFile = CommonOptions.VaultPasswordFile();
        var backupPasswordFile = new Option<FileInfo?>("--backup-password-file")
        {
            Description = $"The phone's backup password (else {CommonOptions.BackupPasswordVariable}; never asked), to check what an encrypted backup holds, such as whether Messages in iCloud left the messages out.",
            HelpName = "FILE",
        };
        var command = new Command("backup", "Back up connected iPhones into the vault (created if needed), keeping every earlier snapshot.")
        {
            udid, all, wifi, simulator, phoneSize, seed, chatMessages, photos, full, mirror, json, passwordFile, backupPasswordFile,
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
            var connectors = await devices.ConnectAsync(parse.GetValue(udid), parse.GetValue(wifi), parse.GetValue(simulator), cancellationToken, phone, all: parse.GetValue(all));
            // With --json, standard output carries only the report: progress and notes go to standard error.
            var asJson = parse.GetValue(json);
            var output = asJson ? Console.Error : Console.Out;
            var results = new List<DeviceBackupResult>();
            using var repository = await vault.OpenOrCreateAsync(output, cancellationToken);
            using var backupPassword = BackupPassword(parse.GetValue(backupPasswordFile));
            var options = new DeviceBackupOptions { WorkingRoot = DeviceAccess.WorkingRoot(), TemporaryRoot = DeviceAccess.TemporaryRoot(), ForceFull = parse.GetValue(full), BackupPassword = backupPassword };
            foreach (var connector in connectors)
            {
                output.WriteLine($"Backing up {connector.Udid} into {vault.Location}");
                var result = Console.IsOutputRedirected || asJson
                    ? await DeviceBackupJob.RunAsync(connector, repository, options, new PlainBackupProgress(output), cancellationToken)
                    : await LiveBackupProgress.RunAsync(progress => DeviceBackupJob.RunAsync(connector, repository, options, progress, cancellationToken));
                results.Add(result);
                if (!asJson)
                {
                    PrintSummary(result);
                }

                if (parse.GetValue(mirror) is { } mirrorRoot)
                {
                    var (folder, restored, reused) = await BackupMirror.UpdateAsync(repository, result.Snapshot, mirrorRoot, cancellationToken);
                    output.WriteLine($"  plain copy (--mirror) now equals snapshot {result.Snapshot.ShortId}: {folder} ({reused} files unchanged, {restored.Files} written)");
                }
            }

            if (asJson)
            {
                JsonOutput.WriteArray(Console.Out, results, WriteResult);
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

    /// <summary>One phone's backup as docs/schemas/backup.schema.json has it.</summary>
    private static void WriteResult(System.Text.Json.Utf8JsonWriter w, DeviceBackupResult result)
    {
        w.WritePropertyName("snapshot");
        w.WriteSnapshot(result.Snapshot);
        w.WriteString("udid", result.Udid);
        w.WriteString("deviceName", result.DeviceName);
        w.WriteBoolean("full", result.WasFull);
        w.WriteBoolean("encrypted", result.IsEncrypted);
        w.WriteStringOrNull("parent", result.Previous?.Id.ToString());
        if (result.ChangeSummary is { } c && result.Previous is not null)
        {
            w.WriteStartObject("changes");
            w.WriteNumber("filesAdded", c.AddedFiles);
            w.WriteNumber("bytesAdded", c.AddedBytes);
            w.WriteNumber("filesChanged", c.ChangedFiles);
            w.WriteNumber("bytesChanged", c.ChangedBytes);
            w.WriteNumber("filesRemoved", c.RemovedFiles);
            w.WriteNumber("bytesRemoved", c.RemovedBytes);
            w.WriteEndObject();
        }
        else
        {
            w.WriteNull("changes");
        }

        w.WriteNumber("files", result.Stored.FilesNew + result.Stored.FilesChanged + result.Stored.FilesUnmodified);
        w.WriteNumber("totalBytes", result.Stored.TotalBytes);
        w.WriteNumber("bytesStored", result.Stored.BytesAdded);
        w.WriteNumber("seconds", Math.Round(result.Duration.TotalSeconds, 3));
        if (result.MessagesInICloud.Enabled is { } inICloud)
        {
            w.WriteBoolean("messagesInICloud", inICloud);
        }
        else
        {
            w.WriteNull("messagesInICloud");
        }

        w.WriteStrings("warnings", result.Warnings);
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
