using System.CommandLine;

namespace Keepsake.Cli.Commands;

/// <summary><c>keepsake unlock [--remove-all]</c>: remove stale locks (of processes that no longer run), as restic's unlock.</summary>
internal static class UnlockCommand
{
    public static Command Create()
    {
        var all = new Option<bool>("--remove-all") { Description = "Remove every lock, also those of operations that may still be running (restic's option)." };
        var passwordFile = CommonOptions.VaultPasswordFile("--vault-password-file");
        var json = CommonOptions.Json();
        var command = new Command("unlock", "Remove stale locks left by interrupted operations (a lock is stale when its process is gone or it was not refreshed for 30 minutes).")
        {
            all, passwordFile, json,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            using var repository = await VaultAccess.From(parse, parse.GetValue(passwordFile)).OpenAsync(cancellationToken);
            var removed = await repository.UnlockAsync(parse.GetValue(all), cancellationToken);
            if (parse.GetValue(json))
            {
                JsonOutput.WriteObject(Console.Out, w => w.WriteNumber("locksRemoved", removed));
            }
            else
            {
                Console.WriteLine(removed == 1 ? "removed 1 lock" : $"removed {removed} locks");
            }

            return ExitCodes.Success;
        });
        return command;
    }
}
