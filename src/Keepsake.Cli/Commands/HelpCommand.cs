using System.CommandLine;

namespace Keepsake.Cli.Commands;

/// <summary><c>keepsake help [exit-codes|COMMAND]</c>: the exit-code table, or a command's help.</summary>
internal static class HelpCommand
{
    public const string ExitCodesTopic = "exit-codes";

    public static Command Create(Func<RootCommand> tree)
    {
        var topic = new Argument<string?>("TOPIC") { Description = $"'{ExitCodesTopic}', or a command's name.", Arity = ArgumentArity.ZeroOrOne };
        var markdown = new Option<bool>("--markdown") { Description = "With exit-codes: print the table as Markdown (as the README has it)." };
        var command = new Command("help", "Show the exit codes, or a command's help.") { topic, markdown };
        command.SetAction(parse =>
        {
            var name = parse.GetValue(topic);
            if (name == ExitCodesTopic)
            {
                Console.Write(parse.GetValue(markdown) ? ExitCodes.ToMarkdown() : ExitCodes.ToText());
                return ExitCodes.Success;
            }

            var root = tree();
            if (name is not null && !root.Subcommands.Any(c => c.Name == name))
            {
                var suggestion = UsageReporter.Suggest(name, root.Subcommands.Select(c => c.Name).Append(ExitCodesTopic));
                throw new UsageException(suggestion is null
                    ? $"no help topic or command '{name}'. Topics: {ExitCodesTopic}, or any command ('keepsake --help' lists them)."
                    : $"no help topic or command '{name}'. Did you mean '{suggestion}'?");
            }

            return root.Parse(name is null ? ["--help"] : [name, "--help"]).Invoke();
        });
        return command;
    }
}
