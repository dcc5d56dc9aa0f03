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
        var json = CommonOptions.Json();
        var command = new Command("prune", "Remove data that no snapshot uses any more, repacking partly used packs. Data written in the last 24 hours stays, so an interrupted phone backup can resume from it.") { passwordFile, json };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var vault = VaultAccess.From(parse, parse.GetValue(passwordFile));
            using var repository = await vault.OpenAsync(cancellationToken);
            Repository.PruneResult result;
            using (var progress = WorkProgressReporter.For(parse.GetValue(json) ? Console.Error : Console.Out))
            {
                result = await repository.PruneAsync(GracePeriod, progress, cancellationToken);
            }

            if (parse.GetValue(json))
            {
                JsonOutput.WriteObject(Console.Out, w => WritePrune(w, result));
                return ExitCodes.Success;
            }

            Console.WriteLine($"{result.PacksRemoved} packs removed, {result.PacksRepacked} repacked, {result.PacksKept} kept, {result.BlobsRemoved} blobs removed, {new ByteSize(result.BytesFreed)} freed");
            return ExitCodes.Success;
        });
        return command;
    }

    /// <summary>prune's report as docs/schemas/prune.schema.json has it (also forget --prune's "prune" member).</summary>
    internal static void WritePrune(System.Text.Json.Utf8JsonWriter w, Repository.PruneResult result)
    {
        w.WriteNumber("packsRemoved", result.PacksRemoved);
        w.WriteNumber("packsRepacked", result.PacksRepacked);
        w.WriteNumber("packsKept", result.PacksKept);
        w.WriteNumber("blobsRemoved", result.BlobsRemoved);
        w.WriteNumber("bytesFreed", result.BytesFreed);
        w.WriteNumber("indexFilesWritten", result.IndexFilesWritten);
    }
}
