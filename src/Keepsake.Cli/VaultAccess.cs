using Keepsake.Primitives;
using Keepsake.Repository.Backends.Local;

namespace Keepsake.Cli;

/// <summary>
/// Where the vault is and how to open it: <c>--vault</c>, else <c>KEEPSAKE_VAULT</c>, else the default
/// folder in the user's data directory. The composition root: the only place that picks a backend.
/// </summary>
internal sealed class VaultAccess(string? vaultOption, FileInfo? passwordFile)
{
    public string Location { get; } = Path.GetFullPath(vaultOption
        ?? NullIfEmpty(Environment.GetEnvironmentVariable(CommonOptions.VaultVariable))
        ?? DefaultLocation());

    /// <summary>
    /// Whether a vault is there: its config file, or (when the config is lost) its keys folder, so that
    /// a damaged vault is reported as damaged (naming the config) and never initialised over.
    /// </summary>
    public bool Exists => File.Exists(Path.Combine(Location, "config")) || Directory.Exists(Path.Combine(Location, "keys"));

    /// <summary>The default vault: XDG data home on Linux, Application Support on macOS, LocalAppData on Windows.</summary>
    public static string DefaultLocation()
    {
        if (OperatingSystem.IsMacOS())
        {
            return Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), "Library", "Application Support", "Keepsake", "vault");
        }

        if (OperatingSystem.IsWindows())
        {
            return Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData), "Keepsake", "vault");
        }

        var dataHome = NullIfEmpty(Environment.GetEnvironmentVariable("XDG_DATA_HOME"))
            ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".local", "share");
        return Path.Combine(dataHome, "keepsake", "vault");
    }

    public async Task<Repository.Repository> OpenAsync(CancellationToken cancellationToken)
    {
        if (!Exists)
        {
            throw new VaultNotFoundException(Location);
        }

        using var password = Password(confirm: false);
        return await Repository.Repository.OpenAsync(new LocalBackend(Location), password, cancellationToken: cancellationToken);
    }

    /// <summary>Opens the vault, creating it first (asking for a new password twice) when there is none.</summary>
    public async Task<Repository.Repository> OpenOrCreateAsync(TextWriter log, CancellationToken cancellationToken)
    {
        if (Exists)
        {
            return await OpenAsync(cancellationToken);
        }

        using var password = Password(confirm: true);
        Directory.CreateDirectory(Location);
        var repository = await Repository.Repository.InitAsync(new LocalBackend(Location), password, cancellationToken: cancellationToken);
        log.WriteLine($"Created a new vault at {Location}. Keep its password safe: without it nothing in the vault can be read.");
        return repository;
    }

    /// <summary>
    /// Warns on <paramref name="error"/> of each damaged snapshot or index file that reading skipped
    /// (<see cref="Repository.Repository.SkippedDamagedFiles"/>); returns how many. Listings exit with
    /// <see cref="ExitCodes.Partial"/> when there were any.
    /// </summary>
    public static int WarnSkipped(Repository.Repository repository, TextWriter error)
    {
        var skipped = repository.SkippedDamagedFiles;
        foreach (var damage in skipped)
        {
            var advice = damage.ObjectType == "index" ? "its packs are read from their headers; 'keepsake repair index' rebuilds the index" : "it is left out";
            error.WriteLine($"warning: {damage.ObjectType} file {damage.ObjectId} is damaged and was skipped ({damage.Problem}); {advice}.");
        }

        return skipped.Count;
    }

    public Secret Password(bool confirm) =>
        new PasswordSource("vault", CommonOptions.VaultPasswordVariable, passwordFile?.FullName).Get(confirm);

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;
}
