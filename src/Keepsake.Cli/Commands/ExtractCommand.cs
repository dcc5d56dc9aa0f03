using System.CommandLine;
using Keepsake.BackupFormat;
using Keepsake.Primitives;

namespace Keepsake.Cli.Commands;

/// <summary><c>keepsake extract BACKUP DEST [--domain D] [--path P]</c>: a backup's files as ordinary files.</summary>
internal static class ExtractCommand
{
    public static Command Create()
    {
        var backup = new Argument<string>("BACKUP") { Description = "A backup folder, or a vault snapshot (ID, ID prefix, or latest)." };
        var destination = new Argument<string>("DEST") { Description = "Folder to write into, as DEST/<domain>/<relative path>." };
        var domain = CommonOptions.Domain();
        var path = new Option<string?>("--path") { Description = "Only entries whose relative path starts with P.", HelpName = "P" };
        var device = CommonOptions.Device("With latest: the phone whose latest snapshot to read.");
        var passwordFile = CommonOptions.BackupPasswordFile();
        var vaultPasswordFile = CommonOptions.VaultPasswordFile("--vault-password-file");
        var command = new Command("extract", "Write a backup's files (decrypted) into a folder, with their modification times. Never writes outside DEST.")
        {
            backup, destination, domain, path, device, passwordFile, vaultPasswordFile,
        };
        command.SetAction((parse, cancellationToken) => RunAsync(
            parse.GetValue(backup)!, parse.GetValue(destination)!, parse.GetValue(domain), parse.GetValue(path), parse.GetValue(passwordFile),
            VaultAccess.From(parse, parse.GetValue(vaultPasswordFile)), parse.GetValue(device), cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(string backup, string destination, string? domain, string? path, FileInfo? passwordFile, VaultAccess vault, string? device, CancellationToken cancellationToken)
    {
        // Opening checks the password before anything is written.
        using var source = await BackupSourceOpener.OpenAsync(backup, passwordFile, vault, cancellationToken, device);
        var progress = new Progress<ExtractProgress>(_ => { });
        var result = BackupExtractor.Extract(source, destination, new ExtractOptions { Domain = domain, PathPrefix = path }, progress, cancellationToken);
        Console.WriteLine($"Extracted {result.Files} files ({new ByteSize(result.Bytes)}), {result.Directories} directories, {result.Symlinks} symlinks into {Path.GetFullPath(destination)}.");
        foreach (var missing in result.Missing)
        {
            Console.Error.WriteLine($"missing from the backup: {missing}");
        }

        // Symlinks to absolute device paths (every real backup has some) cannot be recreated safely: that is
        // information, not a failure. Anything else skipped makes the extract partial.
        var failures = 0;
        foreach (var skipped in result.Skipped)
        {
            var informational = skipped.Kind == ExtractSkipKind.LinkTargetOutside;
            failures += informational ? 0 : 1;
            Console.Error.WriteLine($"{(informational ? "not linked" : "skipped")}: {skipped}");
        }

        return result.Missing.Count + failures > 0 ? ExitCodes.Partial : ExitCodes.Success;
    }
}
