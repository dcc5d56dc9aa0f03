using System.CommandLine;
using Keepsake.Primitives;

namespace Keepsake.Cli.Commands;

/// <summary><c>keepsake prune</c>: remove data no snapshot uses.</summary>
internal static class PruneCommand
{
    /// <summary>Packs younger than this stay even when no snapshot uses them: a device backup that was cut off resumes from them.</summary>
    public static readonly TimeSpan GracePeriod = TimeSpan.FromHours(24);

    public static Command Create()
    {
        var passwordFile = CommonOptions.VaultPasswordFile();
        var command = new Command("prune", "Remove data that no snapshot uses any more, repacking partly used packs. Data written in the last 24 hours stays, so an interrupted phone backup can resume from it.") { passwordFile };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var vault = VaultAccess.From(parse, parse.GetValue(passwordFile));
            using var repository = await vault.OpenAsync(cancellationToken);
            var result = await repository.PruneAsync(GracePeriod, cancellationToken);
            Console.WriteLine($"{result.PacksRemoved} packs removed, {result.PacksRepacked} repacked, {result.PacksKept} kept, {result.BlobsRemoved} blobs removed, {new ByteSize(result.BytesFreed)} freed");
            return ExitCodes.Success;
        });
        return command;
    }
}
