using System.CommandLine;
using System.Text.Json;
using Keepsake.Primitives;
using Keepsake.Repository.Backends;
using Keepsake.Repository.Backends.Local;
using Keepsake.Repository.S3;

namespace Keepsake.Cli;

/// <summary>
/// Where the vault is and how to open it: <c>--vault</c>, else <c>KEEPSAKE_VAULT</c>, else the default
/// folder in the user's data directory. A vault is a folder path or an S3 address as restic writes it
/// (<c>s3:http(s)://host[:port]/bucket[/prefix]</c>, <c>s3:s3.amazonaws.com/bucket/prefix</c>); any
/// other <c>scheme:</c> is refused, never taken for a folder name. The composition root: the only
/// place that picks a backend.
/// </summary>
internal sealed class VaultAccess
{
    /// <summary>Every S3 backend this process opened, for the cost line printed at the end.</summary>
    private static readonly List<S3Backend> OpenedS3 = [];

    private readonly FileInfo? _passwordFile;
    private readonly S3Address? _s3;
    private readonly long? _uploadLimitKiB;

    public VaultAccess(string? vaultOption, FileInfo? passwordFile, long? uploadLimitKiB = null)
    {
        _passwordFile = passwordFile;
        _uploadLimitKiB = uploadLimitKiB;
        var given = vaultOption ?? NullIfEmpty(Environment.GetEnvironmentVariable(CommonOptions.VaultVariable));
        if (given is not null && S3Address.IsS3(given))
        {
            try
            {
                _s3 = S3Address.Parse(given);
            }
            catch (FormatException e)
            {
                throw new UsageException($"bad vault address: {e.Message}");
            }

            Location = _s3.ToString();
            return;
        }

        if (given is not null && HasUnknownScheme(given))
        {
            throw new UsageException($"'{given[..given.IndexOf(':', StringComparison.Ordinal)]}:' vaults are not supported: a vault is a folder, or s3:http(s)://host[:port]/bucket[/prefix] (or s3:s3.amazonaws.com/bucket/prefix).");
        }

        Location = Path.GetFullPath(given ?? DefaultLocation());
    }

    /// <summary>The vault from the command line's <c>--vault</c> and <c>--limit-upload</c>.</summary>
    public static VaultAccess From(ParseResult parse, FileInfo? passwordFile) =>
        new(parse.GetValue(CommonOptions.Vault), passwordFile, parse.GetValue(CommonOptions.LimitUpload));

    /// <summary>A folder path, or the S3 address in restic's form (never with credentials).</summary>
    public string Location { get; }

    /// <summary>Whether the vault is on S3.</summary>
    public bool IsS3 => _s3 is not null;

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

    /// <summary>
    /// Whether a vault is there: its config file, or (when a local config is lost) its keys folder, so that
    /// a damaged vault is reported as damaged (naming the config) and never initialised over. For S3, a
    /// missing bucket is <see cref="S3BucketNotFoundException"/>.
    /// </summary>
    public async Task<bool> ExistsAsync(CancellationToken cancellationToken)
    {
        if (_s3 is null)
        {
            return File.Exists(Path.Combine(Location, "config")) || Directory.Exists(Path.Combine(Location, "keys"));
        }

        var backend = Backend();
        try
        {
            await backend.StatAsync(FileType.Config, BackendNames.ConfigName, cancellationToken);
            return true;
        }
        catch (BackendNotFoundException)
        {
            if (!await S3Backend().BucketExistsAsync(cancellationToken))
            {
                throw new S3BucketNotFoundException(Location);
            }

            return false;
        }
    }

    public async Task<Repository.Repository> OpenAsync(CancellationToken cancellationToken)
    {
        if (!await ExistsAsync(cancellationToken))
        {
            throw new VaultNotFoundException(Location);
        }

        using var password = Password(confirm: false);
        return await Repository.Repository.OpenAsync(Backend(), password, cancellationToken: cancellationToken);
    }

    /// <summary>Creates a missing S3 bucket, as restic's init does (only init calls this). Nothing for a folder.</summary>
    public async Task EnsureBucketAsync(CancellationToken cancellationToken)
    {
        if (_s3 is not null)
        {
            await S3Backend().EnsureBucketAsync(cancellationToken);
        }
    }

    /// <summary>
    /// Opens the vault, creating it first (asking for a new password twice) when there is none. A
    /// missing S3 bucket is an error here: only init creates one.
    /// </summary>
    public async Task<Repository.Repository> OpenOrCreateAsync(TextWriter log, CancellationToken cancellationToken)
    {
        if (await ExistsAsync(cancellationToken))
        {
            return await OpenAsync(cancellationToken);
        }

        return await CreateAsync(Password(confirm: true), log, cancellationToken);
    }

    /// <summary>Creates the vault with <paramref name="password"/> (disposed here).</summary>
    public async Task<Repository.Repository> CreateAsync(Secret password, TextWriter? log, CancellationToken cancellationToken)
    {
        using (password)
        {
            if (_s3 is null)
            {
                Directory.CreateDirectory(Location);
            }

            var repository = await Repository.Repository.InitAsync(Backend(), password, cancellationToken: cancellationToken);
            log?.WriteLine($"Created a new vault at {Location}. Keep its password safe: without it nothing in the vault can be read.");
            return repository;
        }
    }

    /// <summary>
    /// The backend of this vault. An S3 vault is one <see cref="S3Backend"/> per process (its costs
    /// counted), behind retries, whole-pack reads for blob reads, and the owner-only local cache of
    /// its small files.
    /// </summary>
    public IBackend Backend()
    {
        if (_s3 is null)
        {
            return new LocalBackend(Location);
        }

        return new CachingBackend(new PackReadAheadBackend(new RetryBackend(S3Backend())), CachingBackend.DefaultFolder(Location));
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
        new PasswordSource("vault", CommonOptions.VaultPasswordVariable, _passwordFile?.FullName).Get(confirm);

    /// <summary>
    /// Prints what each S3 vault touched by this command cost: requests, bytes up and down; as one JSON
    /// object per vault with <paramref name="json"/>. Written to standard error so that a command's
    /// own output (a table, a JSON array) stays as it is.
    /// </summary>
    public static void ReportUsage(TextWriter writer, bool json)
    {
        lock (OpenedS3)
        {
            foreach (var backend in OpenedS3)
            {
                var usage = backend.Usage;
                if (json)
                {
                    using var buffer = new MemoryStream();
                    using (var w = new Utf8JsonWriter(buffer))
                    {
                        w.WriteStartObject();
                        w.WriteString("vault", backend.Location);
                        w.WriteNumber("requests", usage.Requests);
                        w.WriteNumber("bytesUploaded", usage.BytesUploaded);
                        w.WriteNumber("bytesDownloaded", usage.BytesDownloaded);
                        w.WriteEndObject();
                    }

                    writer.WriteLine(System.Text.Encoding.UTF8.GetString(buffer.ToArray()));
                }
                else
                {
                    writer.WriteLine($"S3 {backend.Location}: {usage.Requests} requests, {new ByteSize(usage.BytesUploaded)} up, {new ByteSize(usage.BytesDownloaded)} down");
                }

                backend.Dispose();
            }

            OpenedS3.Clear();
        }
    }

    private S3Backend S3Backend()
    {
        lock (OpenedS3)
        {
            var existing = OpenedS3.FirstOrDefault(b => b.Location == Location);
            if (existing is null)
            {
                existing = new S3Backend(_s3!, new S3BackendOptions { UploadBytesPerSecond = _uploadLimitKiB * 1024 });
                OpenedS3.Add(existing);
            }

            return existing;
        }
    }

    /// <summary>A <c>scheme:</c> prefix of two or more letters (restic's <c>sftp:</c>, <c>b2:</c>, <c>rest:</c>...); <c>C:</c> is a drive.</summary>
    private static bool HasUnknownScheme(string value)
    {
        var colon = value.IndexOf(':', StringComparison.Ordinal);
        return colon >= 2 && char.IsAsciiLetter(value[0]) && value[..colon].All(c => char.IsAsciiLetterOrDigit(c) || c is '+' or '-' or '.');
    }

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;
}
