using System.Net;

namespace Keepsake.Service;

/// <summary>What <c>keepsake serve</c> runs with; the command line fills it in (it picks the vault and the devices' address).</summary>
public sealed record ServeOptions
{
    /// <summary>The API's default port on 127.0.0.1.</summary>
    public const int DefaultPort = 7466;

    /// <summary>Keepsake's data folder: the service keeps its token, runtime file, state and event log in <c>service/</c> inside it.</summary>
    public required string DataFolder { get; init; }

    /// <summary>Where the API listens; a loopback address only (see <see cref="ListenAddress.Parse"/>). Port 0 picks a free port.</summary>
    public IPEndPoint Listen { get; init; } = new(IPAddress.Loopback, DefaultPort);

    /// <summary>The vault the service backs up into.</summary>
    public required VaultConnection Vault { get; init; }

    /// <summary>The service's configuration file (<c>keepsake/config.json</c> under the platform's config folder).</summary>
    public string? ConfigPath { get; init; }

    /// <summary>usbmuxd's address; null uses <c>USBMUXD_SOCKET_ADDRESS</c> or the platform default.</summary>
    public EndPoint? UsbmuxEndPoint { get; init; }

    /// <summary>The service's clock (a fake one in tests).</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>Where backups keep working copies (<see cref="Keepsake.Engine.DeviceBackup.DeviceBackupOptions.WorkingRoot"/>); default <c>DataFolder/backups</c>.</summary>
    public string? WorkingRoot { get; init; }

    /// <summary>Opens (or creates) the off-site copy's vault at an address, with the password in the given file (else the vault's own); null: copies fail with a clear reason.</summary>
    public Func<string, string?, CancellationToken, Task<Keepsake.Repository.Repository>>? OpenCopyTarget { get; init; }

    /// <summary>The phones' backup password (to check encrypted backups); null when none was given.</summary>
    public Keepsake.Primitives.Secret? BackupPassword { get; init; }

    /// <summary>Paths of the service's own files in <see cref="DataFolder"/>.</summary>
    public ServicePaths Paths => new(DataFolder);
}
