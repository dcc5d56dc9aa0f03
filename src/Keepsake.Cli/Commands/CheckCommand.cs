using System.CommandLine;
using Keepsake.Primitives;

namespace Keepsake.Cli.Commands;

/// <summary><c>keepsake check [--read-data]</c>: verify the vault, reporting every problem found.</summary>
internal static class CheckCommand
{
    public static Command Create()
    {
        var readData = new Option<bool>("--read-data") { Description = "Also read, decrypt and verify every byte of every pack." };
        var subset = new Option<string?>("--read-data-subset") { Description = "Read only N% of the packs, chosen at random (restic's syntax: N%); implies --read-data.", HelpName = "N%" };
        var passwordFile = CommonOptions.VaultPasswordFile();
        var json = CommonOptions.Json();
        var command = new Command("check", "Check the vault's structure (and with --read-data all its data); lists every problem, not only the first.")
        {
            readData, subset, passwordFile, json,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var fraction = ParseSubset(parse.GetValue(subset));
            var reading = parse.GetValue(readData) || fraction is not null;
            var vault = VaultAccess.From(parse, parse.GetValue(passwordFile));
            using var repository = await vault.OpenAsync(cancellationToken);
            Repository.CheckResult result;
            using (var progress = WorkProgressReporter.For(parse.GetValue(json) ? Console.Error : Console.Out))
            {
                result = await repository.CheckAsync(reading, fraction ?? 1, reading ? progress : null, cancellationToken);
            }

            if (parse.GetValue(json))
            {
                JsonOutput.WriteObject(Console.Out, w =>
                {
                    w.WriteBoolean("ok", result.IsOk);
                    w.WriteBoolean("readData", reading);
                    w.WriteNumber("snapshots", result.Snapshots);
                    w.WriteNumber("trees", result.Trees);
                    w.WriteNumber("packs", result.Packs);
                    w.WriteNumber("bytesRead", result.BytesRead);
                    foreach (var (name, problems) in new[] { ("errors", result.Errors), ("warnings", result.Warnings) })
                    {
                        w.WriteStartArray(name);
                        foreach (var problem in problems)
                        {
                            w.WriteStartObject();
                            w.WriteString("objectType", problem.ObjectType);
                            w.WriteString("objectId", problem.ObjectId);
                            w.WriteString("message", problem.Message);
                            w.WriteEndObject();
                        }

                        w.WriteEndArray();
                    }
                });
            }
            else
            {
                foreach (var warning in result.Warnings)
                {
                    Console.WriteLine($"warning: {warning}");
                }

                foreach (var error in result.Errors)
                {
                    Console.WriteLine($"error: {error}");
                }

                Console.WriteLine($"{result.Snapshots} snapshots, {result.Trees} trees, {result.Packs} packs checked"
                    + (reading ? $", {new ByteSize(result.BytesRead)} read" : string.Empty)
                    + $": {(result.IsOk ? "no errors" : $"{result.Errors.Count} errors")}");
            }

            return result.IsOk ? ExitCodes.Success : ExitCodes.CorruptData;
        });
        return command;
    }

    /// <summary>restic's N% (0 &lt; N &lt;= 100) as a fraction; null when not given.</summary>
    private static double? ParseSubset(string? value)
    {
        if (value is null)
        {
            return null;
        }

        var number = value.EndsWith('%') ? value[..^1] : null;
        if (number is null || !double.TryParse(number, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var percent) || percent <= 0 || percent > 100)
        {
            throw new UsageException($"--read-data-subset takes a percentage above 0 and at most 100, such as 10%; '{value}' is not one.");
        }

        return percent / 100;
    }
}
