using System.CommandLine;

namespace Keepsake.Cli.Commands;

/// <summary><c>keepsake diff A B</c>: what changed between two snapshots, as restic diff reports it.</summary>
internal static class DiffCommand
{
    public static Command Create()
    {
        var from = new Argument<string>("A") { Description = "The older snapshot." };
        var to = new Argument<string>("B") { Description = "The newer snapshot." };
        var passwordFile = CommonOptions.VaultPasswordFile();
        var json = CommonOptions.Json();
        var command = new Command("diff", "Show the files added (+), removed (-) and changed (M, T, U) between two snapshots.") { from, to, passwordFile, json };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var vault = VaultAccess.From(parse, parse.GetValue(passwordFile));
            using var repository = await vault.OpenAsync(cancellationToken);
            var a = await repository.FindSnapshotAsync(parse.GetValue(from)!, cancellationToken: cancellationToken);
            var b = await repository.FindSnapshotAsync(parse.GetValue(to)!, cancellationToken: cancellationToken);
            var changes = await repository.DiffAsync(a, b, cancellationToken);
            if (parse.GetValue(json))
            {
                JsonOutput.WriteArray(Console.Out, changes, (w, c) =>
                {
                    w.WriteString("path", c.Path);
                    w.WriteString("modifier", c.Modifier);
                });
                return ExitCodes.Success;
            }

            foreach (var change in changes)
            {
                Console.WriteLine(change.ToString());
            }

            Console.WriteLine($"{changes.Count(c => c.Modifier == "+")} added, {changes.Count(c => c.Modifier == "-")} removed, {changes.Count(c => c.Modifier != "+" && c.Modifier != "-")} changed");
            return ExitCodes.Success;
        });
        return command;
    }
}
