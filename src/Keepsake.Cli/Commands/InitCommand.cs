using System.CommandLine;

namespace Keepsake.Cli.Commands;

/// <summary><c>keepsake init</c>: create an empty vault (a restic repository, format version 2).</summary>
internal static class InitCommand
{
    public static Command Create()
    {
        var passwordFile = CommonOptions.VaultPasswordFile();
        var command = new Command("init", "Create an empty vault. The independent restic tool can check and restore it.") { passwordFile };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var vault = VaultAccess.From(parse, parse.GetValue(passwordFile));
            await vault.EnsureBucketAsync(cancellationToken);
            if (await vault.ExistsAsync(cancellationToken))
            {
                throw new UsageException($"there is already a vault at {vault.Location}.");
            }

            using var repository = await vault.CreateAsync(vault.Password(confirm: true), Console.Out, cancellationToken);
            Console.WriteLine($"Vault {repository.Id[..8]} is ready at {vault.Location}.");
            return ExitCodes.Success;
        });
        return command;
    }
}
