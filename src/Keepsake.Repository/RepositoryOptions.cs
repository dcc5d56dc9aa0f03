using Keepsake.Repository.Crypto;

namespace Keepsake.Repository;

/// <summary>Options for creating or opening a repository.</summary>
public sealed record RepositoryOptions
{
    private readonly KdfParameters? _kdfParameters;

    /// <summary>
    /// scrypt parameters for key files this process creates (init, add key). By default they are
    /// calibrated on this machine as restic does, never below <see cref="KdfParameters.Minimum"/>
    /// (<see cref="KdfParameters.Calibrated"/>, measured on first use).
    /// </summary>
    public KdfParameters KdfParameters
    {
        get => _kdfParameters ?? KdfParameters.Calibrated;
        init => _kdfParameters = value;
    }

    /// <summary>
    /// zstd level for blobs and unpacked files. restic's "auto" is about level 3; level 2 compresses
    /// iPhone SQLite databases almost as well (7.39× against 7.49× on the test fixtures, in 1 MiB
    /// blocks) at about twice the speed, and compression is most of a backup's cost for them.
    /// </summary>
    public int CompressionLevel { get; init; } = 2;

    /// <summary>A pack is finished once it holds at least this many bytes (restic's default: 16 MiB).</summary>
    public int PackSize { get; init; } = 16 * 1024 * 1024;

    /// <summary>The host name recorded in keys and locks (default: this machine's).</summary>
    public string Hostname { get; init; } = Environment.MachineName;

    /// <summary>The user name recorded in keys, locks and snapshots.</summary>
    public string Username { get; init; } = Environment.UserName;
}
