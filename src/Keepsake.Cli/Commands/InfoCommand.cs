using System.CommandLine;
using Keepsake.BackupFormat;
using Keepsake.Primitives;

namespace Keepsake.Cli.Commands;

/// <summary><c>keepsake info BACKUP</c>: what a backup is (device, iOS, date, encryption, completeness, contents).</summary>
internal static class InfoCommand
{
    public static Command Create()
    {
        var backup = new Argument<string>("BACKUP") { Description = "A backup folder, or a vault snapshot (ID, ID prefix, or latest)." };
        var device = CommonOptions.Device("With latest: the phone whose latest snapshot to read.");
        var passwordFile = CommonOptions.BackupPasswordFile();
        var vaultPasswordFile = CommonOptions.VaultPasswordFile("--vault-password-file");
        var json = CommonOptions.Json();
        var command = new Command("info", "Show a backup's device, iOS version, date, encryption, completeness and contents.")
        {
            backup, device, passwordFile, vaultPasswordFile, json,
        };
        command.SetAction((parse, cancellationToken) => RunAsync(parse.GetValue(backup)!, parse.GetValue(passwordFile), VaultAccess.From(parse, parse.GetValue(vaultPasswordFile)), parse.GetValue(json), parse.GetValue(device), cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(string backup, FileInfo? passwordFile, VaultAccess vault, bool json, string? device, CancellationToken cancellationToken)
    {
        // A folder an interrupted 'keepsake restore --to-folder' left: never complete, whatever its files say.
        var interruptedRestore = Directory.Exists(backup) && File.Exists(Path.Combine(backup, Keepsake.Engine.Vault.FolderRestoreJob.IncompleteMarker));
        IBackupFileSource opened;
        try
        {
            opened = await BackupSourceOpener.OpenAsync(backup, passwordFile, vault, cancellationToken, device);
        }
        catch (Exception e) when (interruptedRestore && e is BackupFormatException or Plist.PlistFormatException or IOException)
        {
            // The restore stopped before the files that describe the backup (Manifest.db, Info.plist) were written.
            return ReportInterruptedRestore(backup, json, e.Message);
        }

        using var source = opened;
        var p = source.Properties;
        var complete = p.IsComplete && !interruptedRestore;
        long files = 0, directories = 0, symlinks = 0, bytes = 0;
        var domains = new HashSet<string>(StringComparer.Ordinal);
        foreach (var entry in source.Entries())
        {
            domains.Add(entry.Domain);
            switch (entry.Kind)
            {
                case BackupEntryKind.File:
                    files++;
                    bytes += entry.Size;
                    break;
                case BackupEntryKind.Directory:
                    directories++;
                    break;
                case BackupEntryKind.Symlink:
                    symlinks++;
                    break;
            }
        }

        if (json)
        {
            JsonOutput.WriteArray(Console.Out, [p], (w, _) =>
            {
                w.WriteString("path", Directory.Exists(backup) ? Path.GetFullPath(backup) : backup);
                w.WriteStringOrNull("udid", p.Udid);
                w.WriteStringOrNull("deviceName", p.DeviceName);
                w.WriteStringOrNull("productType", p.ProductType);
                w.WriteStringOrNull("iosVersion", p.ProductVersion);
                w.WriteStringOrNull("buildVersion", p.BuildVersion);
                w.WriteStringOrNull("serialNumber", p.SerialNumber);
                w.WriteDate("date", p.Date);
                w.WriteBoolean("encrypted", p.IsEncrypted);
                w.WriteBoolean("complete", complete);
                w.WriteStringOrNull("snapshotState", p.SnapshotState);
                w.WriteStringOrNull("formatVersion", p.FormatVersion);
                w.WriteStringOrNull("manifest", p.ManifestKind);
                w.WriteNumber("files", files);
                w.WriteNumber("directories", directories);
                w.WriteNumber("symlinks", symlinks);
                w.WriteNumber("domains", domains.Count);
                w.WriteNumber("fileBytes", bytes);
            });
            return BackupSourceOpener.ReportUnreadable(source);
        }

        Console.WriteLine($"Backup:        {(Directory.Exists(backup) ? Path.GetFullPath(backup) : "snapshot " + backup)}");
        Console.WriteLine($"Device:        {p.DeviceName ?? "?"} ({p.ProductType ?? "?"}), UDID {p.Udid ?? "?"}");
        Console.WriteLine($"iOS:           {p.ProductVersion ?? "?"} ({p.BuildVersion ?? "?"})");
        Console.WriteLine($"Date (UTC):    {p.Date?.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture) ?? "?"}");
        Console.WriteLine($"Encrypted:     {(p.IsEncrypted ? "yes" : "no")}");
        Console.WriteLine($"Complete:      {(interruptedRestore ? "NO: an interrupted restore; run the same 'keepsake restore --to-folder' again to finish it" : !p.IsComplete ? $"NO: the backup was not finished (SnapshotState: {p.SnapshotState ?? "missing"})" : p.StatusPlist is null ? (p.DamagedFiles.Any(d => d.Path == "Status.plist") ? "unknown (Status.plist is damaged)" : "unknown (the backup has no Status.plist)") : p.SnapshotState is null ? "unknown (Status.plist has no SnapshotState)" : "yes")}");
        Console.WriteLine($"Format:        {p.ManifestKind ?? "?"}, version {p.FormatVersion ?? "?"}");
        Console.WriteLine($"Contents:      {files} files ({new ByteSize(bytes)}), {directories} directories, {symlinks} symlinks in {domains.Count} domains");
        return BackupSourceOpener.ReportUnreadable(source);
    }

    private static int ReportInterruptedRestore(string backup, bool json, string problem)
    {
        if (json)
        {
            JsonOutput.WriteArray(Console.Out, [backup], (w, _) =>
            {
                w.WriteString("path", Path.GetFullPath(backup));
                foreach (var name in new[] { "udid", "deviceName", "productType", "iosVersion", "buildVersion", "serialNumber", "date" })
                {
                    w.WriteNull(name);
                }

                w.WriteBoolean("encrypted", false);
                w.WriteBoolean("complete", false);
                foreach (var name in new[] { "snapshotState", "formatVersion", "manifest" })
                {
                    w.WriteNull(name);
                }

                foreach (var name in new[] { "files", "directories", "symlinks", "domains", "fileBytes" })
                {
                    w.WriteNumber(name, 0);
                }
            });
        }
        else
        {
            Console.WriteLine($"Backup:        {Path.GetFullPath(backup)}");
            Console.WriteLine("Complete:      NO: an interrupted restore; run the same 'keepsake restore --to-folder' again to finish it");
        }

        Console.Error.WriteLine($"keepsake: the backup cannot be read yet: {problem}");
        return ExitCodes.Partial;
    }
}
