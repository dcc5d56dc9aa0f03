using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Keepsake.Device.Lockdown;
using Keepsake.Device.Simulator.Phone;
using Keepsake.Device.Simulator.Services;
using Keepsake.Device.Simulator.State;

namespace Keepsake.Device.Simulator;

/// <summary>The simulated iPhone: identity, remembered state, phone contents and its services by port.</summary>
internal sealed class SimulatedDevice : IDisposable
{
    public const ushort NotificationProxyPort = 49200;
    public const ushort AfcPort = 49201;
    public const ushort MobileBackup2Port = 49202;
    public const ushort InstallationProxyPort = 49203;
    public const ushort SpringBoardServicesPort = 49204;

    private readonly Dictionary<ushort, IDeviceService> _services;
    private readonly FaultBudget _budget;
    private bool _passcodeLocked;

    public SimulatedDevice(SimulatorOptions options, PhoneContents phone)
    {
        Options = options;
        Faults = options.Faults;
        _passcodeLocked = options.Faults.PasscodeLocked;
        Phone = phone;
        Identity = DeviceIdentity.LoadOrCreate(Path.Combine(options.StateFolder, "device", "identity.plist"));
        State = new DeviceStateStore(Path.Combine(options.StateFolder, "device"));
        TlsCertificate = CreateTlsCertificate(Identity.Key);
        _budget = new FaultBudget(Faults.DisconnectAfterBytes ?? Faults.StallAfterBytes);
        _services = new Dictionary<ushort, IDeviceService>
        {
            [LockdownClient.Port] = new LockdownService(this),
            [NotificationProxyPort] = new NotificationProxyService(PostedNotifications),
            [AfcPort] = new AfcService(phone, RestoreFiles),
            [MobileBackup2Port] = new MobileBackup2Service(this),
            [InstallationProxyPort] = new InstallationProxyService(phone),
            [SpringBoardServicesPort] = new SpringBoardServicesService(phone),
        };
    }

    public SimulatorOptions Options { get; }

    public SimulatorFaults Faults { get; }

    /// <summary>
    /// Whether the phone is locked with its passcode now: starts as <see cref="SimulatorFaults.PasscodeLocked"/>
    /// and can be switched while the simulator runs (<see cref="SimulatorHost.SetPasscodeLocked"/>).
    /// </summary>
    public bool PasscodeLocked
    {
        get => Volatile.Read(ref _passcodeLocked);
        set => Volatile.Write(ref _passcodeLocked, value);
    }

    public DeviceIdentity Identity { get; }

    public DeviceStateStore State { get; }

    public PhoneContents Phone { get; }

    /// <summary>Notifications hosts posted through notification_proxy, in order.</summary>
    public System.Collections.Concurrent.ConcurrentQueue<string> PostedNotifications { get; } = new();

    /// <summary>Files hosts left under /iTunesRestore over AFC (device path → bytes), read by the next restore.</summary>
    public System.Collections.Concurrent.ConcurrentDictionary<string, byte[]> RestoreFiles { get; } = new(StringComparer.Ordinal);

    /// <summary>The bundle IDs the last restore was asked to reinstall (RestoreApplications.plist), empty when none.</summary>
    public IReadOnlyList<string> LastRestoreApplications { get; set; } = [];

    /// <summary>The last backup image, reused while the phone is unchanged.</summary>
    public Backup.BackupImageCache Images { get; } = new();

    /// <summary>The TLS server certificate: self-signed SHA-256 over the device key.</summary>
    public X509Certificate2 TlsCertificate { get; }

    /// <summary>Remaining Pair requests that answer PairingDialogResponsePending.</summary>
    public int PairingDialogPendingLeft { get; set; } = -1;

    public bool ListensOn(ushort port) => _services.ContainsKey(port);

    /// <summary>Every port the device serves.</summary>
    public IEnumerable<ushort> Ports => _services.Keys;

    public async Task ServeAsync(ushort port, Stream stream, CancellationToken cancellationToken)
    {
        var wrapped = Faults.DisconnectAfterBytes is null && Faults.StallAfterBytes is null && Faults.BytesPerSecond is null ? stream : new FaultStream(stream, Faults, _budget);
        await using (wrapped.ConfigureAwait(false))
        {
            try
            {
                await _services[port].ServeAsync(wrapped, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is IOException or OperationCanceledException or ObjectDisposedException or TimeoutException or System.Security.Authentication.AuthenticationException)
            {
                // The host went away (or a fault cut the link): the connection just ends.
            }
        }
    }

    public void Dispose()
    {
        TlsCertificate.Dispose();
        Images.Dispose();
        Identity.Key.Dispose();
    }

    private static X509Certificate2 CreateTlsCertificate(RSA key)
    {
        var request = new CertificateRequest("CN=Keepsake Simulated iPhone", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(10));
        return X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pkcs12), null);
    }
}
