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
        var udid = new Option<string?>("--udid") { Description = "With --to-device: the phone.", HelpName = "UDID" };
        var simulator = new Option<bool>("--simulator") { Description = "With --to-device: the built-in simulated iPhone." };
        var system = new Option<bool>("--system") { Description = "With --to-device: restore system files too." };
        var settings = new Option<bool>("--settings") { Description = "With --to-device: restore the phone's settings (else they are kept)." };
        var noReboot = new Option<bool>("--no-reboot") { Description = "With --to-device: do not reboot the phone afterwards." };
        var skipApps = new Option<bool>("--skip-apps") { Description = "With --to-device: do not ask the phone to reinstall the backup's apps." };
        var passwordFile = CommonOptions.VaultPasswordFile("--vault-password-file");
        var backupPasswordFile = CommonOptions.BackupPasswordFile();
        var command = new Command("restore", "Restore a snapshot to a folder or onto a phone. Every blob is verified; files appear under their names only when complete.")
        {
            snapshot, toFolder, toDevice, udid, simulator, system, settings, noReboot, skipApps, passwordFile, backupPasswordFile,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            if (parse.GetValue(toDevice) == (parse.GetValue(toFolder) is not null))
            {
                throw new UsageException("say where to restore: either --to-folder DEST or --to-device.");
            }

            var vault = VaultAccess.From(parse, parse.GetValue(passwordFile));
            using var repository = await vault.OpenAsync(cancellationToken);
            var found = await repository.FindSnapshotAsync(parse.GetValue(snapshot)!, cancellationToken: cancellationToken);
            if (parse.GetValue(toDevice))
            {
                var encrypted = SnapshotBackupSource.ReadProperties(repository, found).IsEncrypted;
                using var password = encrypted ? new PasswordSource("backup", CommonOptions.BackupPasswordVariable, parse.GetValue(backupPasswordFile)?.FullName).Get() : null;
                await using var devices = new DeviceAccess();
                var connector = (await devices.ConnectAsync(parse.GetValue(udid), null, parse.GetValue(simulator), cancellationToken))[0];
                Console.WriteLine($"Verifying snapshot {found.ShortId} before the phone is touched...");
                var verified = await DeviceRestoreJob.RunAsync(connector, repository, found, new MobileBackup2RestoreOptions
                {
                    RestoreSystemFiles = parse.GetValue(system),
                    PreserveSettings = !parse.GetValue(settings),
                    Reboot = !parse.GetValue(noReboot),
                    SkipApps = parse.GetValue(skipApps),
                    Password = password,
                }, Path.Combine(DeviceAccess.DataFolder(), "staging"), cancellationToken: cancellationToken);
                Console.WriteLine($"Verified: {verified.FilesRead} files ({new ByteSize(verified.BytesRead)}) checked, {verified.EntriesDecrypted} backup entries {(verified.Encrypted ? "decrypted" : "read")}, "
                    + $"{verified.Databases.Count} key databases queried.");
                Console.WriteLine($"Restored snapshot {found.ShortId} onto {connector.Udid}.");
                return ExitCodes.Success;
            }

            var (target, result) = await FolderRestoreJob.RunAsync(repository, found, parse.GetValue(toFolder)!, cancellationToken);
            VaultAccess.WarnSkipped(repository, Console.Error);
            Console.WriteLine($"Restored snapshot {found.ShortId}: {result.Files} files ({new ByteSize(result.Bytes)}), {result.Directories} directories into {target}");
            foreach (var error in result.Errors)
            {
                Console.Error.WriteLine($"error: {error}");
            }

            return result.Errors.Count > 0 ? ExitCodes.Partial : ExitCodes.Success;
        });
        return command;
    }
}
