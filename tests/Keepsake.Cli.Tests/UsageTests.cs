using System.CommandLine;
using Keepsake.Cli.Commands;
using Keepsake.TestKit;

namespace Keepsake.Cli.Tests;

/// <summary>
/// A command line that does not parse is answered as git and restic answer it: what is wrong, the nearest
/// name, a one-line usage, exit 2; never the whole help, never a .NET type name. Run through the real process.
/// </summary>
public sealed class UsageTests
{
    [Fact]
    public void Run_MistypedCommand_SuggestsTheCommandInAFewLinesAndExitsUsage()
    {
        var result = KeepsakeProcess.Run(["bakcup"]);

        Assert.Equal(ExitCodes.Usage, result.ExitCode);
        Assert.Contains("Did you mean 'backup'?", result.StandardError, StringComparison.Ordinal);
        Assert.Contains("usage: keepsake <command> [options]", result.StandardError, StringComparison.Ordinal);
        Assert.InRange(Lines(result.StandardError) + Lines(result.StandardOutput), 2, 6);
    }

    [Fact]
    public void Run_MistypedOption_SuggestsTheOptionAndExitsUsage()
    {
        var result = KeepsakeProcess.Run(["snapshots", "--jsn"]);

        Assert.Equal(ExitCodes.Usage, result.ExitCode);
        Assert.Contains("unknown option '--jsn' for 'keepsake snapshots'. Did you mean '--json'?", result.StandardError, StringComparison.Ordinal);
        Assert.InRange(Lines(result.StandardError) + Lines(result.StandardOutput), 2, 6);
    }

    [Fact]
    public void Run_UnknownExportKind_ExitsUsageAndListsTheKinds()
    {
        var result = KeepsakeProcess.Run(["export", "mesages", "in", "out"]);

        Assert.Equal(ExitCodes.Usage, result.ExitCode);
        Assert.Contains("unknown kind 'mesages'. Kinds: messages, contacts", result.StandardError, StringComparison.Ordinal);
        Assert.Contains("Did you mean 'messages'?", result.StandardError, StringComparison.Ordinal);
        Assert.InRange(Lines(result.StandardError) + Lines(result.StandardOutput), 2, 6);
    }

    [Fact]
    public void Run_ImpossibleDate_NamesTheValueAndTheExpectedForm()
    {
        var result = KeepsakeProcess.Run(["export", "messages", "in", "out", "--from", "2024-13-01"]);

        Assert.Equal(ExitCodes.Usage, result.ExitCode);
        Assert.Contains("--from: '2024-13-01' is not a date. Expected YYYY-MM-DD", result.StandardError, StringComparison.Ordinal);
        Assert.DoesNotContain("System.", result.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public void Run_UnknownTimeZone_NamesItAndSuggestsAnIanaName()
    {
        var result = KeepsakeProcess.Run(["export", "messages", "in", "out", "--time-zone", "Europe/Berln"]);

        Assert.Equal(ExitCodes.Usage, result.ExitCode);
        Assert.Contains("unknown time zone 'Europe/Berln'", result.StandardError, StringComparison.Ordinal);
        Assert.Contains("did you mean 'Europe/Berlin'?", result.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public void Run_FormatTheKindHasNot_ListsTheFormatsItHas()
    {
        var result = KeepsakeProcess.Run(["export", "contacts", "in", "out", "--format", "csv"]);

        Assert.Equal(ExitCodes.Usage, result.ExitCode);
        Assert.Contains("contacts cannot be exported as 'csv'. Formats for contacts: vcf", result.StandardError, StringComparison.Ordinal);
        Assert.DoesNotContain("Parameter", result.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public void HelpExitCodes_PrintsTheTableFromExitCodes()
    {
        var result = KeepsakeProcess.Run(["help", "exit-codes"]).EnsureSuccess("keepsake help exit-codes");

        Assert.Equal(ExitCodes.ToText(), result.StandardOutput);
        foreach (var (code, meaning) in ExitCodes.Table)
        {
            Assert.Contains($"{code}", result.StandardOutput, StringComparison.Ordinal);
            Assert.Contains(meaning, result.StandardOutput, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void CommandHelp_HasExamplesAndPointsAtTheExitCodesInsteadOfRepeatingThem()
    {
        var result = KeepsakeProcess.Run(["extract", "--help"]).EnsureSuccess("keepsake extract --help");

        Assert.Contains("Examples:", result.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("keepsake extract latest ./out", result.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("keepsake help exit-codes", result.StandardOutput, StringComparison.Ordinal);
        Assert.DoesNotContain("12   wrong password", result.StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public void Readme_ExitCodeTable_IsTheOneExitCodesGenerates()
    {
        var readme = File.ReadAllText(Path.Combine(Fixtures.ProjectRoot, "README.md")).ReplaceLineEndings("\n");

        Assert.Contains(ExitCodes.ToMarkdown().ReplaceLineEndings("\n"), readme, StringComparison.Ordinal);
    }

    [Fact]
    public void EveryCommand_HasTwoOrThreeExamplesThatParse()
    {
        var root = CommandLine.Build();
        foreach (var command in root.Subcommands)
        {
            Assert.True(HelpExamples.ByCommand.TryGetValue(command.Name, out var examples), $"'{command.Name}' has no examples");
            Assert.InRange(examples.Length, 2, 3);
            foreach (var example in examples)
            {
                var words = example.Replace("\\ ", "\u0001", StringComparison.Ordinal).Split(' ').Select(w => w.Replace('\u0001', ' ')).ToArray();
                Assert.Equal("keepsake", words[0]);
                var parse = root.Parse(words[1..]);
                Assert.True(parse.Errors.Count == 0, $"'{example}': {string.Join("; ", parse.Errors.Select(e => e.Message))}");
            }
        }
    }

    [Fact]
    public void EveryCommand_PasswordOptionsHaveOneMeaning_OldSpellingOnlyAnAlias()
    {
        static IEnumerable<Command> All(Command command) => command.Subcommands.SelectMany(c => All(c).Prepend(c));
        var seen = 0;
        foreach (var command in All(CommandLine.Build()))
        {
            foreach (var option in command.Options.Where(o => o.Aliases.Append(o.Name).Any(n => n.Contains("password", StringComparison.Ordinal))))
            {
                seen++;
                Assert.Contains(option.Name, (string[])["--vault-password-file", "--backup-password-file", "--new-password-file", "--to-password-file"]);
                Assert.DoesNotContain(option.Aliases, a => a != "--password-file");
                var meaning = option.Name switch
                {
                    "--vault-password-file" => "vault password",
                    "--backup-password-file" => "backup",
                    "--to-password-file" => "target vault",
                    _ => "new",
                };
                Assert.Contains(meaning, option.Description, StringComparison.Ordinal);
            }
        }

        Assert.True(seen > 20, $"only {seen} password options found");
    }

    [Fact]
    public void Run_OldPasswordFileSpelling_StillWorksWithAWarning()
    {
        using var dir = new TempDirectory();
        var passwordFile = dir.Combine("pw");
        File.WriteAllText(passwordFile, "old-spelling-pw\n");
        var env = new Dictionary<string, string> { ["KEEPSAKE_VAULT"] = dir.Combine("vault") };
        KeepsakeProcess.Run(["init", "--vault-password-file", passwordFile], env).EnsureSuccess("keepsake init --vault-password-file");

        var old = KeepsakeProcess.Run(["snapshots", "--password-file", passwordFile], env).EnsureSuccess("keepsake snapshots --password-file");

        Assert.Contains("warning: --password-file is deprecated here; use --vault-password-file.", old.StandardError, StringComparison.Ordinal);
        Assert.Contains("0 snapshots", old.StandardOutput, StringComparison.Ordinal);
        Assert.Equal(ExitCodes.PasswordRequired, KeepsakeProcess.Run(["snapshots"], env).ExitCode);
    }

    [Fact]
    public void Suggest_TypoSwapAndPrefix_FindTheName()
    {
        string[] names = ["backup", "backups", "snapshots", "restore"];

        Assert.Equal("backup", UsageReporter.Suggest("bakcup", names));
        Assert.Equal("snapshots", UsageReporter.Suggest("snapshot", names));
        Assert.Equal("restore", UsageReporter.Suggest("resto", names));
        Assert.Null(UsageReporter.Suggest("zzzzzz", names));
        Assert.Equal(HelpCommand.ExitCodesTopic, UsageReporter.Suggest("exit-code", [HelpCommand.ExitCodesTopic]));
    }

    private static int Lines(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length;
}
