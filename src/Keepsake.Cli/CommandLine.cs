using System.CommandLine;
using Keepsake.Cli.Commands;

namespace Keepsake.Cli;

/// <summary>The command tree. Each verb lives in Commands/&lt;Verb&gt;Command.cs and returns its exit code.</summary>
internal static class CommandLine
{
    public static RootCommand Build()
    {
        var root = new RootCommand("Keepsake: open, cross-platform iPhone backups that keep every version.");
        root.Options.Add(CommonOptions.Vault);
        root.Options.Add(CommonOptions.LimitUpload);
        foreach (var command in new[]
                 {
                     BackupCommand.Create(),
                     VerifyCommand.Create(),
                     EncryptionCommand.Create(),
                     DevicesCommand.Create(),
                     PairCommand.Create(),
                     SimulatorCommand.Create(),
                     BackupsCommand.Create(),
                     InfoCommand.Create(),
                     LsCommand.Create(),
                     ExtractCommand.Create(),
                     ExportCommand.Create(),
                     StorageCommand.Create(),
                     InitCommand.Create(),
                     ImportCommand.Create(),
                     SnapshotsCommand.Create(),
                     RestoreCommand.Create(),
                     DiffCommand.Create(),
                     CheckCommand.Create(),
                     ForgetCommand.Create(),
                     PruneCommand.Create(),
                     CopyCommand.Create(),
                 })
        {
            command.Description += Environment.NewLine + Environment.NewLine + ExitCodes.HelpText;
            root.Subcommands.Add(command);
        }

        return root;
    }

    public static int Run(string[] args)
    {
        using var cancellation = new CancellationTokenSource();
        ConsoleCancelEventHandler onCancel = (_, e) =>
        {
            e.Cancel = true;
            cancellation.Cancel();
        };
        Console.CancelKeyPress += onCancel;
        try
        {
            var parse = Build().Parse(args);
            var configuration = new InvocationConfiguration { EnableDefaultExceptionHandler = false };
            return parse.InvokeAsync(configuration, cancellation.Token).GetAwaiter().GetResult();
        }
        catch (Exception exception)
        {
            return ErrorReporter.Report(exception, Console.Error);
        }
        finally
        {
            VaultAccess.ReportUsage(Console.Error, json: args.Contains("--json"));
            Console.CancelKeyPress -= onCancel;
        }
    }
}
