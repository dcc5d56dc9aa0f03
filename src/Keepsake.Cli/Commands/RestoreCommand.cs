using System.CommandLine;
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
        var passwordFile = CommonOptions.VaultPasswordFile();
        var command = new Command("restore", "Restore a snapshot. Every blob is verified; files appear under their names only when complete.")
        {
            snapshot, toFolder, passwordFile,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var destination = parse.GetValue(toFolder) ?? throw new UsageException("say where to restore: --to-folder DEST.");
            var vault = new VaultAccess(parse.GetValue(CommonOptions.Vault), parse.GetValue(passwordFile));
            using var repository = await vault.OpenAsync(cancellationToken);
            var found = await repository.FindSnapshotAsync(parse.GetValue(snapshot)!, cancellationToken: cancellationToken);
            var folder = SnapshotBackupStore.BackupFolderOf(found);
            var name = folder.Length == 0 ? found.ShortId : folder[(folder.LastIndexOf('/') + 1)..];
            var target = Path.Combine(Path.GetFullPath(destination), name);
            if (Directory.Exists(target) && Directory.EnumerateFileSystemEntries(target).Any())
            {
                throw new UsageException($"'{target}' already exists and is not empty; choose another destination.");
            }

            Directory.CreateDirectory(target);
            var result = await repository.RestoreAsync(found, target, new RestoreOptions { SubPath = "/" + folder }, cancellationToken);
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
