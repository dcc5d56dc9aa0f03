using Keepsake.Primitives;

namespace Keepsake.Cli;

/// <summary>
/// Where a password comes from, in order: a file named by an option, an environment variable, then
/// a prompt on the terminal (without echo). Never from a command-line argument, where other users
/// could read it in the process list.
/// </summary>
internal sealed class PasswordSource(string what, string environmentVariable, string? passwordFile)
{
    /// <summary>The password, or <see cref="PasswordUnavailableException"/> when none can be had.</summary>
    public Secret Get(bool confirm = false)
    {
        if (passwordFile is not null)
        {
            if (!File.Exists(passwordFile))
            {
                throw new FileNotFoundException($"password file '{passwordFile}' does not exist.", passwordFile);
            }

            // The file holds the password on its first line (a trailing newline is not part of it).
            using var reader = new StreamReader(passwordFile);
            return Secret.FromString(reader.ReadLine() ?? string.Empty);
        }

        var fromEnvironment = Environment.GetEnvironmentVariable(environmentVariable);
        if (!string.IsNullOrEmpty(fromEnvironment))
        {
            return Secret.FromString(fromEnvironment);
        }

        if (Console.IsInputRedirected)
        {
            throw new PasswordUnavailableException(
                $"the {what} password is needed: set {environmentVariable}, pass {OptionFor(what)} FILE, or run in a terminal to be asked.");
        }

        var first = Prompt($"Enter the {what} password: ");
        if (confirm)
        {
            var second = Prompt($"Repeat the {what} password: ");
            if (!first.Equals(second))
            {
                first.Dispose();
                second.Dispose();
                throw new UsageException("the passwords do not match.");
            }

            second.Dispose();
        }

        return first;
    }

    private static Secret Prompt(string prompt)
    {
        Console.Error.Write(prompt);
        var chars = new List<char>();
        while (true)
        {
            var key = Console.ReadKey(intercept: true);
            if (key.Key == ConsoleKey.Enter)
            {
                break;
            }

            if (key.Key == ConsoleKey.Backspace)
            {
                if (chars.Count > 0)
                {
                    chars.RemoveAt(chars.Count - 1);
                }

                continue;
            }

            if (key.Modifiers.HasFlag(ConsoleModifiers.Control) && key.Key == ConsoleKey.C)
            {
                throw new OperationCanceledException();
            }

            chars.Add(key.KeyChar);
        }

        Console.Error.WriteLine();
        var secret = Secret.FromString(new string([.. chars]));
        chars.Clear();
        return secret;
    }

    /// <summary>The option that names a file with this password (one meaning per option in every command).</summary>
    private static string OptionFor(string what) => what switch
    {
        "vault" => "--vault-password-file",
        "backup" => "--backup-password-file",
        "target vault" => "--to-password-file",
        "new vault" or "new backup" => "--new-password-file",
        _ => "the password-file option",
    };
}
