using System.CommandLine;
using System.Globalization;
using Keepsake.Repository.Crypto;

namespace Keepsake.Cli.Commands;

/// <summary>
/// <c>keepsake key list|add|remove|passwd</c>: the vault's passwords, as restic's <c>key</c> command. Each password
/// is a key file in <c>keys/</c> that unlocks the same master key, so the vault stays readable by restic with any of them.
/// </summary>
internal static class KeyCommand
{
    public const string NewPasswordVariable = "KEEPSAKE_NEW_PASSWORD";

    public static Command Create()
    {
        var command = new Command("key", "Manage the vault's passwords (its key files): list them, add one, remove one, or change the one you use.");
        foreach (var sub in new[] { CreateList(), CreateAdd(), CreateRemove(), CreatePasswd() })
        {
            sub.Description += HelpExamples.Section($"key {sub.Name}") + Environment.NewLine + Environment.NewLine + ExitCodes.HelpPointer;
            command.Subcommands.Add(sub);
        }

        return command;
    }

    private static Command CreateList()
    {
        var passwordFile = CommonOptions.VaultPasswordFile("--vault-password-file");
        var json = CommonOptions.Json();
        var command = new Command("list", "List the vault's key files: the one your password opened is marked *.") { passwordFile, json };
        command.SetAction(async (parse, cancellationToken) =>
        {
            using var repository = await VaultAccess.From(parse, parse.GetValue(passwordFile)).OpenAsync(cancellationToken);
            var keys = (await repository.ListKeysAsync(cancellationToken)).OrderBy(k => k.Created).ThenBy(k => k.Id, StringComparer.Ordinal).ToList();
            if (parse.GetValue(json))
            {
                // restic's own field names (restic key list --json).
                JsonOutput.WriteArray(Console.Out, keys, (w, k) =>
                {
                    w.WriteBoolean("current", k.Id == repository.KeyId);
                    w.WriteString("id", k.Id);
                    w.WriteStringOrNull("userName", k.Username);
                    w.WriteStringOrNull("hostName", k.Hostname);
                    w.WriteDate("created", k.Created);
                });
                return ExitCodes.Success;
            }

            var table = new TextTable(" ID", "USER", "HOST", "CREATED (UTC)");
            foreach (var k in keys)
            {
                table.Add((k.Id == repository.KeyId ? "*" : " ") + k.Id[..8], k.Username ?? string.Empty, k.Hostname ?? string.Empty,
                    k.Created?.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) ?? string.Empty);
            }

            table.Write(Console.Out);
            return ExitCodes.Success;
        });
        return command;
    }

    private static Command CreateAdd()
    {
        var passwordFile = CommonOptions.VaultPasswordFile("--vault-password-file");
        var newPasswordFile = NewPasswordFile();
        var command = new Command("add", "Add a password to the vault; the existing ones keep working.") { passwordFile, newPasswordFile };
        command.SetAction(async (parse, cancellationToken) =>
        {
            using var repository = await VaultAccess.From(parse, parse.GetValue(passwordFile)).OpenAsync(cancellationToken);
            using var password = NewPassword(parse.GetValue(newPasswordFile));
            var id = await repository.AddKeyAsync(password, cancellationToken);
            Console.WriteLine($"saved new key {id[..8]}");
            return ExitCodes.Success;
        });
        return command;
    }

    private static Command CreateRemove()
    {
        var key = new Argument<string>("ID") { Description = "The key file's ID or a unique prefix of it (see 'keepsake key list')." };
        var passwordFile = CommonOptions.VaultPasswordFile("--vault-password-file");
        var command = new Command("remove", "Remove a password (key file) from the vault. The one you opened the vault with cannot be removed: use 'key passwd' to change it.") { key, passwordFile };
        command.SetAction(async (parse, cancellationToken) =>
        {
            using var repository = await VaultAccess.From(parse, parse.GetValue(passwordFile)).OpenAsync(cancellationToken);
            var prefix = parse.GetValue(key)!;
            var matches = (await repository.ListKeysAsync(cancellationToken)).Where(k => k.Id.StartsWith(prefix, StringComparison.OrdinalIgnoreCase)).ToList();
            var chosen = matches.Count switch
            {
                0 => throw new KeyNotFoundException($"the vault has no key '{prefix}' (see 'keepsake key list')."),
                > 1 => throw new UsageException($"'{prefix}' matches {matches.Count} keys; give more characters."),
                _ => matches[0],
            };
            if (chosen.Id == repository.KeyId)
            {
                throw new UsageException($"key {chosen.Id[..8]} is the one your password opened; it cannot be removed. Use 'keepsake key passwd' to change that password.");
            }

            await repository.RemoveKeyAsync(chosen.Id, cancellationToken);
            Console.WriteLine($"removed key {chosen.Id[..8]}");
            return ExitCodes.Success;
        });
        return command;
    }

    private static Command CreatePasswd()
    {
        var passwordFile = CommonOptions.VaultPasswordFile("--vault-password-file");
        var newPasswordFile = NewPasswordFile();
        var command = new Command("passwd", "Change the password you use: a new key file is saved, then the old one removed (as restic's key passwd).") { passwordFile, newPasswordFile };
        command.SetAction(async (parse, cancellationToken) =>
        {
            using var repository = await VaultAccess.From(parse, parse.GetValue(passwordFile)).OpenAsync(cancellationToken);
            using var password = NewPassword(parse.GetValue(newPasswordFile));
            var id = await repository.AddKeyAsync(password, cancellationToken);
            await repository.Backend.RemoveAsync(Repository.Backends.FileType.Key, repository.KeyId, cancellationToken);
            Console.WriteLine($"saved new key {id[..8]}, removed the old one {repository.KeyId[..8]}");
            return ExitCodes.Success;
        });
        return command;
    }

    private static Option<FileInfo?> NewPasswordFile() => new("--new-password-file")
    {
        Description = $"Read the new vault password from the first line of FILE (else {NewPasswordVariable}, else a prompt, asked twice).",
        HelpName = "FILE",
    };

    private static Primitives.Secret NewPassword(FileInfo? file) =>
        new PasswordSource("new vault", NewPasswordVariable, file?.FullName).Get(confirm: true);
}
