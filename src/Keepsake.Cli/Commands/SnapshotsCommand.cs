using System.CommandLine;
using System.Globalization;
using Keepsake.Engine.Vault;

namespace Keepsake.Cli.Commands;

/// <summary><c>keepsake snapshots</c>: the snapshots in the vault.</summary>
internal static class SnapshotsCommand
{
    public static Command Create()
    {
        var passwordFile = CommonOptions.VaultPasswordFile();
        var json = CommonOptions.Json();
        var udid = CommonOptions.Device("Only snapshots of this phone.");
        var command = new Command("snapshots", "List the vault's snapshots (time, device, iOS, encrypted, tags).") { passwordFile, json, udid };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var vault = VaultAccess.From(parse, parse.GetValue(passwordFile));
            using var repository = await vault.OpenAsync(cancellationToken);
            var wanted = parse.GetValue(udid);
            var snapshots = (await repository.ListSnapshotsAsync(cancellationToken))
                .Where(s => wanted is null || SnapshotChoice.IsOf(s, wanted))
                .OrderBy(s => s.Time)
                .ToList();
            var code = VaultAccess.WarnSkipped(repository, Console.Error) > 0 ? ExitCodes.Partial : ExitCodes.Success;
            if (parse.GetValue(json))
            {
                JsonOutput.WriteArray(Console.Out, snapshots, (w, s) =>
                {
                    w.WriteString("id", s.Id.ToString());
                    w.WriteString("shortId", s.ShortId);
                    w.WriteDate("time", s.Time);
                    w.WriteStringOrNull("host", s.Hostname);
                    w.WriteStringOrNull("udid", AppleBackupTags.Get(s, "udid"));
                    w.WriteStringOrNull("device", AppleBackupTags.Get(s, "device"));
                    w.WriteStringOrNull("model", AppleBackupTags.Get(s, "model"));
                    w.WriteStringOrNull("iosVersion", AppleBackupTags.Get(s, "ios"));
                    if (AppleBackupTags.Get(s, "encrypted") is { } encrypted)
                    {
                        w.WriteBoolean("encrypted", encrypted == "yes");
                    }
                    else
                    {
                        w.WriteNull("encrypted");
                    }

                    w.WriteStringOrNull("parent", s.Parent?.ToString());
                    w.WriteStartArray("paths");
                    foreach (var p in s.Paths)
                    {
                        w.WriteStringValue(p);
                    }

                    w.WriteEndArray();
                    w.WriteStartArray("tags");
                    foreach (var t in s.Tags)
                    {
                        w.WriteStringValue(AppleBackupTags.Display(t));
                    }

                    w.WriteEndArray();
                });
                return code;
            }

            var table = new TextTable("ID", "TIME (UTC)", "HOST", "MODEL", "IOS", "ENCRYPTED", "PATH");
            foreach (var s in snapshots)
            {
                table.Add(s.ShortId, s.Time.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture), s.Hostname ?? "",
                    AppleBackupTags.Get(s, "model") ?? "", AppleBackupTags.Get(s, "ios") ?? "", AppleBackupTags.Get(s, "encrypted") ?? "",
                    string.Join(", ", s.Paths));
            }

            table.Write(Console.Out);
            Console.WriteLine($"{snapshots.Count} snapshots");
            return code;
        });
        return command;
    }
}
