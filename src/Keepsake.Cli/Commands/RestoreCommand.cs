using System.CommandLine;
using Keepsake.Device.Services.MobileBackup2;
using Keepsake.Engine.DeviceRestore;
using Keepsake.Engine.Vault;
using Keepsake.Primitives;
using Keepsake.Repository;

namespace Keepsake.Cli.Commands;

/// <summary><c>keepsake restore SNAPSHOT --to-folder DEST</c>: a snapshot back as an Apple-format backup folder.</summary>
internal static class RestoreCommand
{
    public static Command Create()
    {
        var snapshot = new Argument<string>("SNAPSHOT") { Description = "Snapshot ID, ID prefix, or latest." };
        var toFolder = new Option<string?>("--to-folder") { Description = "Write the backup folder into DEST (as DEST/<folder name>), ready for Finder, iTunes or idevicebackup2 to restore.", HelpName = "DEST" };
        var toDevice = new Option<bool>("--to-device") { Description = "Restore onto a connected iPhone, after verifying the snapshot as 'keepsake verify' does (nothing reaches the phone unless it passes)." };
        var udid = CommonOptions.Device("The phone: with --to-device, the one to restore onto; 'latest' is the latest snapshot of this phone.");
        var simulator = new Option<bool>("--simulator") { Description = "With --to-device: the built-in simulated iPhone." };
        var system = new Option<bool>("--system") { Description = "With --to-device: restore system files too." };
        var settings = new Option<bool>("--settings") { Description = "With --to-device: restore the phone's settings (else they are kept)." };
        var noReboot = new Option<bool>("--no-reboot") { Description = "With --to-device: do not reboot the phone afterwards." };
        var skipApps = new Option<bool>("--skip-apps") { Description = "With --to-device: do not ask the phone to reinstall the backup's apps." };
        var passwordFile = CommonOptions.VaultPasswordFile("--vault-password-file");
        var backupPasswordFile = CommonOptions.BackupPasswordFile();
        var json = CommonOptions.Json();
        var overwrite = new Option<bool>("--overwrite") { Description = "With --to-folder: replace a backup folder already at DEST (an interrupted restore is resumed without it)." };
        var yes = new Option<bool>("--yes", "-y") { Description = "With --to-device: do not ask before replacing the phone's contents." };
        var command = new Command("restore", "Restore a snapshot to a folder or onto a phone. Every blob is verified; files appear under their names only when complete.")
        {
            snapshot, toFolder, toDevice, udid, simulator, system, settings, noReboot, skipApps, overwrite, yes, passwordFile, backupPasswordFile, json,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            if (parse.GetValue(toDevice) == (parse.GetValue(toFolder) is not null))
            {
                throw new UsageException("say where to restore: either --to-folder DEST or --to-device.");
            }

            var vault = VaultAccess.From(parse, parse.GetValue(passwordFile));
            using var repository = await vault.OpenAsync(cancellationToken);
            var found = await SnapshotChoice.FindAsync(repository, parse.GetValue(snapshot)!, parse.GetValue(snapshot) == "latest" ? parse.GetValue(udid) : null, cancellationToken);
            if (parse.GetValue(toDevice))
            {
                var encrypted = SnapshotBackupSource.ReadProperties(repository, found).IsEncrypted;
                using var password = encrypted ? new PasswordSource("backup", CommonOptions.BackupPasswordVariable, parse.GetValue(backupPasswordFile)?.FullName).Get() : null;
                await using var devices = new DeviceAccess();
                var connector = (await devices.ConnectAsync(parse.GetValue(udid), null, parse.GetValue(simulator), cancellationToken))[0];
                if (!parse.GetValue(yes))
                {
                    await ConfirmAsync(connector, found, cancellationToken);
                }

                (parse.GetValue(json) ? Console.Error : Console.Out).WriteLine($"Verifying snapshot {found.ShortId} before the phone is touched...");
                var verified = await DeviceRestoreJob.RunAsync(connector, repository, found, new MobileBackup2RestoreOptions
                {
                    RestoreSystemFiles = parse.GetValue(system),
                    PreserveSettings = !parse.GetValue(settings),
                    Reboot = !parse.GetValue(noReboot),
                    SkipApps = parse.GetValue(skipApps),
                    Password = password,
                }, Path.Combine(DeviceAccess.DataFolder(), "staging"), cancellationToken: cancellationToken);
                if (parse.GetValue(json))
                {
                    JsonOutput.WriteObject(Console.Out, w =>
                    {
                        w.WriteString("to", "device");
                        w.WritePropertyName("snapshot");
                        w.WriteSnapshot(found);
                        w.WriteString("target", connector.Udid);
                        w.WriteStartObject("verified");
                        VerifyCommand.WriteReport(w, verified);
                        w.WriteEndObject();
                    });
                    return ExitCodes.Success;
                }

                Console.WriteLine($"Verified: {verified.FilesRead} files ({new ByteSize(verified.BytesRead)}) checked, {verified.EntriesDecrypted} backup entries {(verified.Encrypted ? "decrypted" : "read")}, "
                    + $"{verified.Databases.Count} key databases queried.");
                Console.WriteLine($"Restored snapshot {found.ShortId} onto {connector.Udid}.");
                return ExitCodes.Success;
            }

            (string Folder, Repository.RestoreResult Result) restored;
            using (var progress = WorkProgressReporter.For(parse.GetValue(json) ? Console.Error : Console.Out))
            {
                restored = await FolderRestoreJob.RunAsync(repository, found, parse.GetValue(toFolder)!, new FolderRestoreOptions { Overwrite = parse.GetValue(overwrite), Progress = progress }, cancellationToken);
            }

            var (target, result) = restored;
            VaultAccess.WarnSkipped(repository, Console.Error);
            if (parse.GetValue(json))
            {
                JsonOutput.WriteObject(Console.Out, w =>
                {
                    w.WriteString("to", "folder");
                    w.WritePropertyName("snapshot");
                    w.WriteSnapshot(found);
                    w.WriteString("target", target);
                    w.WriteNumber("files", result.Files);
                    w.WriteNumber("directories", result.Directories);
                    w.WriteNumber("bytes", result.Bytes);
                    w.WriteStrings("errors", result.Errors);
                });
                return result.Errors.Count > 0 ? ExitCodes.Partial : ExitCodes.Success;
            }

            Console.WriteLine($"Restored snapshot {found.ShortId}: {result.Files} files ({new ByteSize(result.Bytes)}), {result.Directories} directories into {target}");
            foreach (var error in result.Errors)
            {
                Console.Error.WriteLine($"error: {error}");
            }

            return result.Errors.Count > 0 ? ExitCodes.Partial : ExitCodes.Success;
        });
        return command;
    }

    /// <summary>
    /// Asks before a restore replaces a phone's contents, naming the phone and the snapshot's date. The answer is read
    /// from standard input (so <c>echo y | keepsake restore ...</c> works); no answer at all is a refusal that says to use --yes.
    /// </summary>
    private static async Task ConfirmAsync(Device.Transport.IDeviceConnector connector, Repository.Snapshots.Snapshot snapshot, CancellationToken cancellationToken)
    {
        var name = await DeviceAccess.DeviceNameAsync(connector, cancellationToken);
        var phone = name is null ? connector.Udid : $"'{name}' ({connector.Udid})";
        var of = AppleBackupTags.Get(snapshot, "device") is { } from ? $" of '{from}'" : string.Empty;
        Console.Error.Write($"Restore snapshot {snapshot.ShortId}{of}, taken {snapshot.Time.UtcDateTime:yyyy-MM-dd HH:mm} UTC, onto the iPhone {phone}? "
            + "What is on the phone now will be replaced. [y/N] ");
        var answer = Console.In.ReadLine();
        Console.Error.WriteLine();
        if (answer is null)
        {
            throw new NotConfirmedException("nothing was restored: there was no answer to confirm with. Give --yes to restore onto the phone without asking.");
        }

        if (!answer.Trim().Equals("y", StringComparison.OrdinalIgnoreCase) && !answer.Trim().Equals("yes", StringComparison.OrdinalIgnoreCase))
        {
            throw new NotConfirmedException("nothing was restored: not confirmed.");
        }
    }
}
