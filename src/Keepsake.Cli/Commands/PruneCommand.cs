using System.CommandLine;
using Keepsake.Primitives;

namespace Keepsake.Cli.Commands;

/// <summary><c>keepsake prune</c>: remove data no snapshot uses.</summary>
internal static class PruneCommand
{
    public static Command Create()
    {
        var passwordFile = CommonOptions.VaultPasswordFile();
        var command = new Command("prune", "Remove data that no snapshot uses any more, repacking partly used packs.") { passwordFile };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var vault = VaultAccess.From(parse, parse.GetValue(passwordFile));
            using var repository = await vault.OpenAsync(cancellationToken);
            var result = await repository.PruneAsync(cancellationToken);
            Console.WriteLine($"{result.PacksRemoved} packs removed, {result.PacksRepacked} repacked, {result.PacksKept} kept, {result.BlobsRemoved} blobs removed, {new ByteSize(result.BytesFreed)} freed");
            return ExitCodes.Success;
        });
        return command;
    }
}
