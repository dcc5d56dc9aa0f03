using System.CommandLine;
using Keepsake.Cli.Commands;
using Keepsake.Cli.Diagnostics;
using Keepsake.Primitives;

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
                     IndexCommand.Create(),
                     SearchCommand.Create(),
                     ShowCommand.Create(),
                     RecoverCommand.Create(),
                     CheckCommand.Create(),
                     ForgetCommand.Create(),
                     PruneCommand.Create(),
                     CopyCommand.Create(),
                     RepairCommand.Create(),
                     UiCommand.Create(),
                     ServeCommand.Create(),
                     ServiceCommand.Create(),
                     StatusCommand.Create(),
                     DoctorCommand.Create(),
                     HelpCommand.Create(Build),
                     KeyCommand.Create(),
                     UnlockCommand.Create(),
                 })
        {
            command.Description += HelpExamples.Section(command.Name) + Environment.NewLine + Environment.NewLine + ExitCodes.HelpPointer;
            root.Subcommands.Add(command);
        }

        VersionText.Install(root);
        return root;
    }

    public static int Run(string[] args)
    {
        using var cancellation = new CancellationTokenSource();
        using var signals = new TerminationSignals(cancellation);
        AppDomain.CurrentDomain.ProcessExit += OnProcessExit;
        RunTemp.SweepStale();
        ParseResult? parse = null;
        try
        {
            parse = Build().Parse(args);
            if (parse.Errors.Count > 0 && !RequestsHelp(parse))
            {
                return UsageReporter.Report(parse, Console.Error);
            }

            CommonOptions.WarnDeprecated(parse, Console.Error);
            var configuration = new InvocationConfiguration { EnableDefaultExceptionHandler = false };
            return parse.InvokeAsync(configuration, cancellation.Token).GetAwaiter().GetResult();
        }
        catch (Exception exception)
        {
            var code = ErrorReporter.Report(exception, Console.Error);
            if (code != ExitCodes.Cancelled)
            {
                // For keepsake doctor's bundle.
                ErrorLog.Append(code, parse?.CommandResult.Command.Name ?? "keepsake", ErrorReporter.Classify(exception).Message);
            }

            return code;
        }
        finally
        {
            VaultAccess.ReportUsage(Console.Error, json: args.Contains("--json"));
            RunTemp.DeleteCurrent();
            AppDomain.CurrentDomain.ProcessExit -= OnProcessExit;
        }
    }

    /// <summary>--help wins over other errors on the line, as System.CommandLine's own help action would.</summary>
    private static bool RequestsHelp(ParseResult parse) => parse.Action is System.CommandLine.Help.HelpAction;

    private static void OnProcessExit(object? sender, EventArgs e) => RunTemp.DeleteCurrent();
}
