using System.CommandLine;
using Keepsake.Primitives;

namespace Keepsake.Cli.Commands;

/// <summary><c>keepsake copy --to VAULT [SNAPSHOT...]</c>: the off-site copy of the 3-2-1 rule.</summary>
internal static class CopyCommand
{
    public const string TargetPasswordVariable = "KEEPSAKE_TO_PASSWORD";

    public static Command Create()
    {
        var snapshots = new Argument<string[]>("SNAPSHOT") { Description = "Snapshots to copy (default: all).", Arity = ArgumentArity.ZeroOrMore };
        var to = new Option<string>("--to") { Description = "The vault to copy into (created if absent).", HelpName = "VAULT", Required = true };
        var passwordFile = CommonOptions.VaultPasswordFile();
        var json = CommonOptions.Json();
        var toPasswordFile = new Option<FileInfo?>("--to-password-file") { Description = $"The target vault's password file (else {TargetPasswordVariable}, else a prompt).", HelpName = "FILE" };
        var command = new Command("copy", "Copy snapshots into another vault, re-encrypted with its keys and deduplicated against what it holds.")
        {
            snapshots, to, passwordFile, toPasswordFile, json,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var source = VaultAccess.From(parse, parse.GetValue(passwordFile));
            var targetAccess = new VaultAccess(parse.GetValue(to), null, parse.GetValue(CommonOptions.LimitUpload));
            using var repository = await source.OpenAsync(cancellationToken);
            var targetPassword = new PasswordSource("target vault", TargetPasswordVariable, parse.GetValue(toPasswordFile)?.FullName);
            var targetExists = await targetAccess.ExistsAsync(cancellationToken);
            using var target = targetExists
                ? await OpenTargetAsync(targetAccess, targetPassword, cancellationToken)
                : await targetAccess.CreateAsync(targetPassword.Get(confirm: true), null, cancellationToken);
            var wanted = parse.GetValue(snapshots) ?? [];
            var selected = wanted.Length == 0
                ? await repository.ListSnapshotsAsync(cancellationToken)
                : await Task.WhenAll(wanted.Select(w => repository.FindSnapshotAsync(w, cancellationToken: cancellationToken)));
            var skipped = VaultAccess.WarnSkipped(repository, Console.Error);
            Repository.CopyResult result;
            using (var progress = WorkProgressReporter.For(parse.GetValue(json) ? Console.Error : Console.Out))
            {
                result = await repository.CopyToAsync(target, selected, progress, cancellationToken);
            }

            if (parse.GetValue(json))
            {
                JsonOutput.WriteObject(Console.Out, w =>
                {
                    w.WriteString("target", targetAccess.Location);
                    w.WriteStartArray("copied");
                    foreach (var s in result.Copied)
                    {
                        w.WriteSnapshot(s);
                    }

                    w.WriteEndArray();
                    w.WriteNumber("alreadyPresent", result.AlreadyPresent);
                    w.WriteNumber("blobsCopied", result.BlobsCopied);
                    w.WriteNumber("bytesAdded", result.BytesAdded);
                });
                return skipped > 0 ? ExitCodes.Partial : ExitCodes.Success;
            }

            foreach (var s in result.Copied)
            {
                Console.WriteLine($"copied snapshot {s.ShortId}");
            }

            Console.WriteLine($"{result.Copied.Count} copied, {result.AlreadyPresent} already there, {new ByteSize(result.BytesAdded)} added to {targetAccess.Location}");
            return skipped > 0 ? ExitCodes.Partial : ExitCodes.Success;
        });
        return command;
    }

    private static async Task<Repository.Repository> OpenTargetAsync(VaultAccess target, PasswordSource passwordSource, CancellationToken cancellationToken)
    {
        using var password = passwordSource.Get(confirm: false);
        return await Repository.Repository.OpenAsync(target.Backend(), password, cancellationToken: cancellationToken);
    }
}
