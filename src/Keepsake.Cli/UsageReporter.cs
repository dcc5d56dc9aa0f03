using System.CommandLine;
using System.CommandLine.Parsing;

namespace Keepsake.Cli;

/// <summary>
/// Reports a command line that does not parse the way git and restic do: what is wrong, the nearest
/// command or option when there is one, a one-line usage and where the help is. Never the whole help.
/// Exit code <see cref="ExitCodes.Usage"/>.
/// </summary>
internal static class UsageReporter
{
    public static int Report(ParseResult parse, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(parse);
        ArgumentNullException.ThrowIfNull(error);
        var command = parse.CommandResult.Command;
        var path = CommandPath(parse.CommandResult);
        var unmatched = parse.UnmatchedTokens;
        foreach (var token in unmatched)
        {
            var kind = token.StartsWith('-') ? "option" : command.Subcommands.Count > 0 ? "command" : "argument";
            var suggestion = Suggest(token, Candidates(command, token.StartsWith('-')));
            error.WriteLine(suggestion is null
                ? $"keepsake: unknown {kind} '{token}' for '{path}'."
                : $"keepsake: unknown {kind} '{token}' for '{path}'. Did you mean '{suggestion}'?");
        }

        foreach (var problem in parse.Errors)
        {
            // System.CommandLine adds its own line for every unmatched token; those were reported above.
            if (unmatched.Any(token => problem.Message.Contains($"'{token}'", StringComparison.Ordinal)))
            {
                continue;
            }

            if (command.Subcommands.Count > 0 && problem.SymbolResult is CommandResult)
            {
                // "Required command was not provided": said once, and not at all after an unknown command.
                if (unmatched.Count == 0)
                {
                    error.WriteLine($"keepsake: '{path}' needs a command.");
                }

                continue;
            }

            error.WriteLine($"keepsake: {problem.Message}");
        }

        error.WriteLine($"usage: {Usage(command, path)}");
        error.WriteLine($"Run '{path} --help' for {(command.Subcommands.Count > 0 ? "its commands" : "its options")} and examples.");
        return ExitCodes.Usage;
    }

    /// <summary>The nearest name within a third of the word's length (at least 1, at most 3 edits), or a unique prefix match.</summary>
    internal static string? Suggest(string word, IEnumerable<string> candidates)
    {
        var names = candidates.Distinct(StringComparer.Ordinal).ToList();
        var limit = Math.Clamp(word.TrimStart('-').Length / 3, 1, 3);
        var best = names
            .Select(name => (name, distance: Distance(word, name)))
            .Where(c => c.distance <= limit)
            .OrderBy(c => c.distance)
            .ThenBy(c => c.name, StringComparer.Ordinal)
            .FirstOrDefault();
        if (best.name is not null)
        {
            return best.name;
        }

        var prefixed = names.Where(name => word.Length >= 3 && name.StartsWith(word, StringComparison.Ordinal)).ToList();
        return prefixed.Count == 1 ? prefixed[0] : null;
    }

    private static IEnumerable<string> Candidates(Command command, bool options)
    {
        if (!options)
        {
            return command.Subcommands.Where(c => !c.Hidden).SelectMany(c => c.Aliases.Prepend(c.Name));
        }

        var all = command.Options.AsEnumerable();
        for (var parent = command.Parents.OfType<Command>().FirstOrDefault(); parent is not null; parent = parent.Parents.OfType<Command>().FirstOrDefault())
        {
            all = all.Concat(parent.Options.Where(o => o.Recursive));
        }

        return all.Where(o => !o.Hidden).SelectMany(o => o.Aliases.Prepend(o.Name));
    }

    private static string CommandPath(CommandResult result)
    {
        var names = new List<string>();
        for (SymbolResult? current = result; current is not null; current = current.Parent)
        {
            if (current is CommandResult command)
            {
                names.Insert(0, command.Command is RootCommand ? "keepsake" : command.Command.Name);
            }
        }

        return string.Join(' ', names);
    }

    private static string Usage(Command command, string path)
    {
        if (command.Subcommands.Count > 0)
        {
            return $"{path} <command> [options]";
        }

        var arguments = string.Concat(command.Arguments.Where(a => !a.Hidden).Select(a => $" {a.Name}"));
        return $"{path}{arguments} [options]";
    }

    /// <summary>Optimal string alignment distance: insertions, deletions, substitutions and swaps of neighbours cost 1.</summary>
    private static int Distance(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (var i = 0; i <= a.Length; i++)
        {
            d[i, 0] = i;
        }

        for (var j = 0; j <= b.Length; j++)
        {
            d[0, j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                {
                    d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
                }
            }
        }

        return d[a.Length, b.Length];
    }
}
