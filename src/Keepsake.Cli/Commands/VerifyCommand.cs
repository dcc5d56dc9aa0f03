using System.CommandLine;
using Keepsake.Engine.Vault;
using Keepsake.Engine.Verify;
using Keepsake.Primitives;

namespace Keepsake.Cli.Commands;

/// <summary><c>keepsake verify SNAPSHOT</c>: test a backup without erasing a phone.</summary>
internal static class VerifyCommand
{
    public static Command Create()
    {
        var snapshot = new Argument<string>("SNAPSHOT") { Description = "Snapshot ID, ID prefix, or latest." };
        var passwordFile = CommonOptions.VaultPasswordFile("--vault-password-file");
        var backupPasswordFile = CommonOptions.BackupPasswordFile();
        var json = CommonOptions.Json();
        var device = CommonOptions.Device("With latest: the phone whose latest snapshot to test.");
        var command = new Command("verify", "Test a backup snapshot: every blob read and checked, the backup decrypted with its password, Manifest.db and the key databases opened and queried.")
        {
            snapshot, device, passwordFile, backupPasswordFile, json,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var vault = VaultAccess.From(parse, parse.GetValue(passwordFile));
            using var repository = await vault.OpenAsync(cancellationToken);
            var found = await SnapshotChoice.FindAsync(repository, parse.GetValue(snapshot)!, parse.GetValue(device), cancellationToken);
            var encrypted = SnapshotBackupSource.ReadProperties(repository, found).IsEncrypted;
            using var password = encrypted ? new PasswordSource("backup", CommonOptions.BackupPasswordVariable, parse.GetValue(backupPasswordFile)?.FullName).Get() : null;
            var report = await VerifyJob.RunAsync(repository, found, password, cancellationToken);
            if (parse.GetValue(json))
            {
                JsonOutput.WriteObject(Console.Out, w =>
                {
                    w.WritePropertyName("snapshot");
                    w.WriteSnapshot(found);
                    WriteReport(w, report);
                });
                return report.IsOk ? ExitCodes.Success : ExitCodes.CorruptData;
            }

            Console.WriteLine($"snapshot {found.ShortId}: {report.FilesRead} files ({new ByteSize(report.BytesRead)}) read and checked; "
                + $"{report.EntriesDecrypted} backup entries {(report.Encrypted ? "decrypted" : "read")}");
            foreach (var (database, result) in report.Databases)
            {
                Console.WriteLine($"  {database}: {result}");
            }

            foreach (var problem in report.Problems)
            {
                Console.WriteLine($"problem: {problem}");
            }

            Console.WriteLine(report.IsOk ? "The backup is sound." : $"{report.Problems.Count} problems found.");
            return report.IsOk ? ExitCodes.Success : ExitCodes.CorruptData;
        });
        return command;
    }

    /// <summary>What verify found, as docs/schemas/verify.schema.json has it (also restore --to-device's check).</summary>
    internal static void WriteReport(System.Text.Json.Utf8JsonWriter w, VerifyReport report)
    {
        w.WriteBoolean("ok", report.IsOk);
        w.WriteNumber("filesRead", report.FilesRead);
        w.WriteNumber("bytesRead", report.BytesRead);
        w.WriteBoolean("encrypted", report.Encrypted);
        w.WriteNumber("entriesRead", report.EntriesDecrypted);
        w.WriteStartArray("databases");
        foreach (var (database, result) in report.Databases)
        {
            w.WriteStartObject();
            w.WriteString("name", database);
            w.WriteString("result", result);
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteStrings("problems", report.Problems);
    }
}
