using System.CommandLine;
using Keepsake.Engine.Vault;
using Keepsake.Primitives;
using Keepsake.Repository;

namespace Keepsake.Cli.Commands;

/// <summary><c>keepsake import BACKUP...</c>: keep existing Apple backup folders in the vault as snapshots.</summary>
internal static class ImportCommand
{
    public static Command Create()
    {
        var backups = new Argument<string[]>("BACKUP") { Description = "Apple backup folders (Finder, iTunes, idevicebackup2).", Arity = ArgumentArity.OneOrMore };
        var passwordFile = CommonOptions.VaultPasswordFile();
        var json = CommonOptions.Json();
        var command = new Command("import", "Store existing backup folders in the vault, verbatim, as deduplicated snapshots (the vault is created if needed).")
        {
            backups, passwordFile, json,
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

            var asJson = parse.GetValue(json);
            var results = new List<(string Folder, BackupResult Result, TimeSpan Took)>();
            using var repository = await vault.OpenOrCreateAsync(asJson ? Console.Error : Console.Out, cancellationToken);
            foreach (var folder in folders)
            {
                var started = DateTimeOffset.UtcNow;
                var result = await ImportJob.RunAsync(repository, folder, cancellationToken: cancellationToken);
                results.Add((folder, result, DateTimeOffset.UtcNow - started));
                foreach (var error in result.Errors)
                {
                    Console.Error.WriteLine($"  could not read: {error}");
                }

                if (asJson)
                {
                    continue;
                }

                var s = result.Snapshot;
                Console.WriteLine($"snapshot {s.ShortId} saved: {s.Hostname}, {string.Join(" ", s.Tags.Select(AppleBackupTags.Display))}");
                Console.WriteLine($"  files: {result.FilesNew} new, {result.FilesChanged} changed, {result.FilesUnmodified} unchanged; "
                    + $"{new ByteSize(result.TotalBytes)} in the backup, {new ByteSize(result.BytesAdded)} new data stored; "
                    + $"{(DateTimeOffset.UtcNow - started).TotalSeconds:0.0} s");
            }

            if (asJson)
            {
                JsonOutput.WriteArray(Console.Out, results, (w, r) =>
                {
                    w.WriteString("folder", Path.GetFullPath(r.Folder));
                    w.WritePropertyName("snapshot");
                    w.WriteSnapshot(r.Result.Snapshot);
                    w.WriteNumber("filesNew", r.Result.FilesNew);
                    w.WriteNumber("filesChanged", r.Result.FilesChanged);
                    w.WriteNumber("filesUnchanged", r.Result.FilesUnmodified);
                    w.WriteNumber("totalBytes", r.Result.TotalBytes);
                    w.WriteNumber("bytesStored", r.Result.BytesAdded);
                    w.WriteNumber("seconds", Math.Round(r.Took.TotalSeconds, 3));
                    w.WriteStrings("errors", r.Result.Errors);
                });
            }

            return ExitCodes.Success;
        });
        return command;
    }
}
