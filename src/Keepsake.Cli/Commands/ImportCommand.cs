using System.CommandLine;
using Keepsake.Engine.Vault;
using Keepsake.Primitives;

namespace Keepsake.Cli.Commands;

/// <summary><c>keepsake import BACKUP...</c>: keep existing Apple backup folders in the vault as snapshots.</summary>
internal static class ImportCommand
{
    public static Command Create()
    {
        var backups = new Argument<string[]>("BACKUP") { Description = "Apple backup folders (Finder, iTunes, idevicebackup2).", Arity = ArgumentArity.OneOrMore };
        var passwordFile = CommonOptions.VaultPasswordFile();
        var command = new Command("import", "Store existing backup folders in the vault, verbatim, as deduplicated snapshots (the vault is created if needed).")
        {
            backups, passwordFile,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var vault = VaultAccess.From(parse, parse.GetValue(passwordFile));
            var folders = parse.GetValue(backups) ?? [];
            foreach (var folder in folders)
            {
                if (!Directory.Exists(folder))
                {
                    throw new DirectoryNotFoundException($"backup folder '{folder}' does not exist.");
                }
            }

            using var repository = await vault.OpenOrCreateAsync(Console.Out, cancellationToken);
            foreach (var folder in folders)
            {
                var started = DateTimeOffset.UtcNow;
                var result = await ImportJob.RunAsync(repository, folder, cancellationToken: cancellationToken);
                var s = result.Snapshot;
                Console.WriteLine($"snapshot {s.ShortId} saved: {s.Hostname}, {string.Join(" ", s.Tags.Select(AppleBackupTags.Display))}");
                Console.WriteLine($"  files: {result.FilesNew} new, {result.FilesChanged} changed, {result.FilesUnmodified} unchanged; "
                    + $"{new ByteSize(result.TotalBytes)} in the backup, {new ByteSize(result.BytesAdded)} new data stored; "
                    + $"{(DateTimeOffset.UtcNow - started).TotalSeconds:0.0} s");
                foreach (var error in result.Errors)
                {
                    Console.Error.WriteLine($"  could not read: {error}");
                }
            }

            return ExitCodes.Success;
        });
        return command;
    }
}
