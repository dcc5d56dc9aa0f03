namespace Keepsake.Service.Installation;

/// <summary>
/// What a service definition runs: the program (and its leading arguments, such as the path of keepsake.dll
/// under <c>dotnet</c>), the vault and the owner-only password file. The password itself never appears in a
/// definition: only the file's path.
/// </summary>
public sealed record ServiceInstallSpec
{
    /// <summary>The program: the keepsake executable, or <c>dotnet</c>.</summary>
    public required string Executable { get; init; }

    /// <summary>Arguments before <c>serve</c> (e.g. the path of keepsake.dll).</summary>
    public IReadOnlyList<string> LeadingArguments { get; init; } = [];

    /// <summary>The owner-only file holding the vault password.</summary>
    public required string PasswordFile { get; init; }

    /// <summary>The vault address, when not the default.</summary>
    public string? Vault { get; init; }

    /// <summary>The API's listen address, when not the default.</summary>
    public string? Listen { get; init; }

    /// <summary>Where the launchd agent writes its log (macOS).</summary>
    public string? LogFile { get; init; }

    /// <summary>The full argument list after the program.</summary>
    public IReadOnlyList<string> Arguments()
    {
        var arguments = new List<string>(LeadingArguments) { "serve", "--vault-password-file", PasswordFile };
        if (Vault is not null)
        {
            arguments.Add("--vault");
            arguments.Add(Vault);
        }

        if (Listen is not null)
        {
            arguments.Add("--listen");
            arguments.Add(Listen);
        }

        return arguments;
    }
}
