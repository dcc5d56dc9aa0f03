using System.CommandLine;
using Keepsake.Primitives;

namespace Keepsake.Cli.Commands;

/// <summary><c>keepsake check [--read-data]</c>: verify the vault, reporting every problem found.</summary>
internal static class CheckCommand
{
    public static Command Create()
    {
        var readData = new Option<bool>("--read-data") { Description = "Also read, decrypt and verify every byte of every pack." };
        var passwordFile = CommonOptions.VaultPasswordFile();
        var json = CommonOptions.Json();
        var command = new Command("check", "Check the vault's structure (and with --read-data all its data); lists every problem, not only the first.")
        {
            readData, passwordFile, json,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var vault = new VaultAccess(parse.GetValue(CommonOptions.Vault), parse.GetValue(passwordFile));
            using var repository = await vault.OpenAsync(cancellationToken);
            var result = await repository.CheckAsync(parse.GetValue(readData), cancellationToken: cancellationToken);
            if (parse.GetValue(json))
            {
                JsonOutput.WriteArray(Console.Out, result.Errors.Select(e => (Severity: "error", Problem: e)).Concat(result.Warnings.Select(w => (Severity: "warning", Problem: w))), (w, p) =>
                {
                    w.WriteString("severity", p.Severity);
                    w.WriteString("objectType", p.Problem.ObjectType);
                    w.WriteString("objectId", p.Problem.ObjectId);
                    w.WriteString("message", p.Problem.Message);
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
                    + (parse.GetValue(readData) ? $", {new ByteSize(result.BytesRead)} read" : string.Empty)
                    + $": {(result.IsOk ? "no errors" : $"{result.Errors.Count} errors")}");
            }

            return result.IsOk ? ExitCodes.Success : ExitCodes.CorruptData;
        });
        return command;
    }
}
