using System.CommandLine;
using Keepsake.BackupFormat;
using Keepsake.Primitives;

namespace Keepsake.Cli.Commands;

/// <summary><c>keepsake backups [FOLDER...]</c>: the Apple-format backups found on this computer.</summary>
internal static class BackupsCommand
{
    public static Command Create()
    {
        var folders = new Argument<string[]>("FOLDER")
        {
            Description = "Folders to search (default: where Finder, iTunes, Apple Devices and Keepsake keep backups).",
            Arity = ArgumentArity.ZeroOrMore,
        };
        var json = CommonOptions.Json();
        var command = new Command("backups", "List the iPhone backups found (device, model, iOS, date, encrypted, size, complete).")
        {
            folders, json,
        };
        command.SetAction(parse => Run(parse.GetValue(folders) ?? [], parse.GetValue(json)));
        return command;
    }

    private static int Run(string[] folders, bool json)
    {
        var roots = folders.Length > 0 ? folders : BackupLocator.DefaultRoots();
        foreach (var folder in folders)
        {
            if (!Directory.Exists(folder))
            {
                throw new DirectoryNotFoundException($"folder '{folder}' does not exist.");
            }
        }

        var found = roots.Where(Directory.Exists).SelectMany(BackupLocator.Find);
        if (json)
        {
            JsonOutput.WriteArray(Console.Out, found, (w, b) =>
            {
                var p = b.Properties;
                w.WriteString("path", b.Path);
                w.WriteStringOrNull("udid", p.Udid);
                w.WriteStringOrNull("deviceName", p.DeviceName);
                w.WriteStringOrNull("productType", p.ProductType);
                w.WriteStringOrNull("iosVersion", p.ProductVersion);
                w.WriteDate("date", p.Date);
                w.WriteBoolean("encrypted", p.IsEncrypted);
                w.WriteNumber("sizeBytes", b.SizeBytes);
                w.WriteBoolean("complete", p.IsComplete);
                w.WriteStringOrNull("snapshotState", p.SnapshotState);
                w.WriteStringOrNull("error", b.Error);
            });
            return ExitCodes.Success;
        }

        var table = new TextTable("DEVICE", "MODEL", "IOS", "DATE (UTC)", "ENCRYPTED", "SIZE", "COMPLETE", "PATH");
        foreach (var b in found)
        {
            var p = b.Properties;
            table.Add(
                p.DeviceName ?? "?",
                p.ProductType ?? "?",
                p.ProductVersion ?? "?",
                p.Date?.UtcDateTime.ToString("yyyy-MM-dd HH:mm", System.Globalization.CultureInfo.InvariantCulture) ?? "?",
                p.IsEncrypted ? "yes" : "no",
                new ByteSize(b.SizeBytes).ToString(),
                Completeness(b),
                b.Path);
        }

        if (table.Count == 0)
        {
            Console.WriteLine($"No backups found in: {string.Join(", ", roots)}");
            return ExitCodes.Success;
        }

        table.Write(Console.Out);
        return ExitCodes.Success;
    }

    internal static string Completeness(FoundBackup backup)
    {
        var p = backup.Properties;
        return backup.Error is not null ? $"unreadable: {backup.Error}"
            : !p.IsComplete ? $"no ({p.SnapshotState ?? "unknown state"})"
            : p.StatusPlist is null ? "unknown (no Status.plist)"
            : p.SnapshotState is null ? "unknown (no SnapshotState)"
            : "yes";
    }
}
