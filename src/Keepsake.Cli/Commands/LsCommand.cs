using System.CommandLine;
using System.Globalization;
using Keepsake.BackupFormat;

namespace Keepsake.Cli.Commands;

/// <summary><c>keepsake ls BACKUP [--domain D] [PATH-PREFIX]</c>: a backup's entries.</summary>
internal static class LsCommand
{
    public static Command Create()
    {
        var backup = new Argument<string>("BACKUP") { Description = "A backup folder, or a vault snapshot (ID, ID prefix, or latest)." };
        var prefix = new Argument<string?>("PATH-PREFIX") { Description = "Only entries whose relative path starts with this.", Arity = ArgumentArity.ZeroOrOne };
        var domain = CommonOptions.Domain();
        var device = CommonOptions.Device("With latest: the phone whose latest snapshot to read.");
        var passwordFile = CommonOptions.BackupPasswordFile();
        var vaultPasswordFile = CommonOptions.VaultPasswordFile("--vault-password-file");
        var json = CommonOptions.Json();
        var command = new Command("ls", "List a backup's files, directories and symlinks with their metadata.")
        {
            backup, prefix, domain, device, passwordFile, vaultPasswordFile, json,
        };
        command.SetAction((parse, cancellationToken) => RunAsync(parse.GetValue(backup)!, parse.GetValue(domain), parse.GetValue(prefix), parse.GetValue(passwordFile), VaultAccess.From(parse, parse.GetValue(vaultPasswordFile)), parse.GetValue(json), parse.GetValue(device), cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(string backup, string? domain, string? prefix, FileInfo? passwordFile, VaultAccess vault, bool json, string? device, CancellationToken cancellationToken)
    {
        using var source = await BackupSourceOpener.OpenAsync(backup, passwordFile, vault, cancellationToken, device);
        var entries = source.Entries(domain, prefix);
        if (json)
        {
            JsonOutput.WriteArray(Console.Out, entries, (w, e) =>
            {
                w.WriteString("fileId", e.FileId);
                w.WriteString("domain", e.Domain);
                w.WriteString("relativePath", e.RelativePath);
                w.WriteString("kind", e.Kind.ToString().ToLowerInvariant());
                w.WriteNumber("size", e.Size);
                w.WriteString("mode", "0" + Convert.ToString(e.Mode, 8));
                w.WriteNumber("uid", e.UserId);
                w.WriteNumber("gid", e.GroupId);
                w.WriteNumber("inode", e.InodeNumber);
                w.WriteDate("modified", e.LastModified);
                w.WriteDate("statusChanged", e.LastStatusChange);
                w.WriteDate("created", e.Birth);
                w.WriteNumber("protectionClass", e.ProtectionClass);
                w.WriteStringOrNull("symlinkTarget", e.SymlinkTarget);
            });
            return BackupSourceOpener.ReportUnreadable(source);
        }

        var output = Console.Out;
        foreach (var e in entries)
        {
            var type = e.Kind switch { BackupEntryKind.Directory => 'd', BackupEntryKind.Symlink => 'l', _ => '-' };
            var line = string.Create(CultureInfo.InvariantCulture,
                $"{type}{Permissions(e.Mode)} {e.UserId,5} {e.GroupId,5} {e.Size,12} {e.LastModified.UtcDateTime:yyyy-MM-dd HH:mm} {e.Domain}/{e.RelativePath}");
            output.WriteLine(e.SymlinkTarget is null ? line : $"{line} -> {e.SymlinkTarget}");
        }

        return BackupSourceOpener.ReportUnreadable(source);
    }

    private static string Permissions(int mode)
    {
        Span<char> chars = stackalloc char[9];
        const string letters = "rwxrwxrwx";
        for (var i = 0; i < 9; i++)
        {
            chars[i] = (mode & (1 << (8 - i))) != 0 ? letters[i] : '-';
        }

        return new string(chars);
    }
}
