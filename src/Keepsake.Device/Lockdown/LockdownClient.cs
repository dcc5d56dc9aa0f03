using System.Security.Cryptography.X509Certificates;
using System.Text;
using Keepsake.Device.Transport;
using Keepsake.Plist;

namespace Keepsake.Device.Lockdown;

/// <summary>
/// Host side of lockdownd (device port 62078): QueryType, GetValue, Pair, ValidatePair,
/// StartSession (TLS upgrade), StopSession and StartService. Errors become <see cref="LockdownException"/>.
/// </summary>
public sealed class LockdownClient : IAsyncDisposable
{
    public const ushort Port = 62078;
    public const string ServiceType = "com.apple.mobile.lockdown";

    private readonly IDeviceConnector _connector;
    private readonly ServiceConnection _connection;
    private readonly string _label;
    private string? _sessionId;

    private LockdownClient(IDeviceConnector connector, ServiceConnection connection, string label)
    {
        _connector = connector;
        _connection = connection;
        _label = label;
    }

    /// <summary>The pair record in use after <see cref="StartSessionAsync"/> or <see cref="PairAsync"/>.</summary>
    public PairRecord? PairRecord { get; private set; }

    /// <summary>The device's UDID.</summary>
    public string Udid => _connector.Udid;

    /// <summary>Connects to lockdownd and checks its type (no session).</summary>
    public static async Task<LockdownClient> ConnectAsync(IDeviceConnector connector, string label = "keepsake", CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(connector);
        var stream = await connector.ConnectAsync(Port, cancellationToken).ConfigureAwait(false);
        var client = new LockdownClient(connector, new ServiceConnection(stream), label);
        try
        {
            var type = await client.QueryTypeAsync(cancellationToken).ConfigureAwait(false);
            if (type != ServiceType)
            {
                throw new LockdownException($"Port {Port} answered as '{type}', not lockdownd.");
            }

            return client;
        }
        catch
        {
            await client.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>
    /// The standard handshake: connect, QueryType, read the pair record (pairing first when there is
    /// none and <paramref name="pairIfNeeded"/>), StartSession with TLS.
    /// </summary>
    public static async Task<LockdownClient> ConnectWithSessionAsync(IDeviceConnector connector, string label = "keepsake", bool pairIfNeeded = true, CancellationToken cancellationToken = default)
    {
        var client = await ConnectAsync(connector, label, cancellationToken).ConfigureAwait(false);
        try
        {
            var record = await client.LoadPairRecordAsync(cancellationToken).ConfigureAwait(false);
            if (record is null)
            {
                if (!pairIfNeeded)
                {
                    throw new LockdownException(LockdownError.MissingPairRecord, nameof(LockdownError.MissingPairRecord), "StartSession");
                }

                record = await client.PairAsync(cancellationToken).ConfigureAwait(false);
            }

            await client.StartSessionAsync(record, cancellationToken).ConfigureAwait(false);
            return client;
        }
        catch
        {
            await client.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Reads this device's pair record from the connector's store, or null.</summary>
    public async Task<PairRecord?> LoadPairRecordAsync(CancellationToken cancellationToken = default)
    {
        var bytes = await _connector.ReadPairRecordAsync(cancellationToken).ConfigureAwait(false);
        if (bytes is null)
        {
            return null;
        }

        try
        {
            return Lockdown.PairRecord.FromPlist(PlistCodec.Decode(bytes).AsDictionary());
        }
        catch (Exception ex) when (ex is PlistFormatException or InvalidCastException)
        {
            throw new LockdownException($"The stored pair record for {Udid} is unreadable ({ex.Message}); pair the device again.", ex);
        }
    }

    /// <summary><c>QueryType</c>: the service type string.</summary>
    public async Task<string> QueryTypeAsync(CancellationToken cancellationToken = default)
    {
        var reply = await RequestAsync("QueryType", null, cancellationToken).ConfigureAwait(false);
        return reply.GetString("Type") ?? throw new LockdownException("lockdownd QueryType reply has no Type.");
    }

    /// <summary><c>GetValue</c>; <paramref name="key"/> null returns the whole domain dictionary.</summary>
    public async Task<PlistNode> GetValueAsync(string? domain = null, string? key = null, CancellationToken cancellationToken = default)
    {
        var reply = await RequestAsync("GetValue", r =>
        {
            if (domain is not null)
            {
                r["Domain"] = domain;
            }

            if (key is not null)
            {
                r["Key"] = key;
            }
        }, cancellationToken).ConfigureAwait(false);
        return reply.TryGetValue("Value", out var value) ? value : throw new LockdownException(LockdownError.MissingValue, "MissingValue", "GetValue");
    }

    /// <summary><c>GetValue</c> that returns null for <c>MissingValue</c>.</summary>
    public async Task<PlistNode?> TryGetValueAsync(string? domain, string? key, CancellationToken cancellationToken = default)
    {
        try
        {
            return await GetValueAsync(domain, key, cancellationToken).ConfigureAwait(false);
        }
        catch (LockdownException ex) when (ex.Error == LockdownError.MissingValue)
        {
            return null;
        }
    }

    /// <summary><c>SetValue</c> (e.g. Domain com.apple.mobile.wireless_lockdown, Key EnableWifiConnections, true to allow Wi-Fi sync).</summary>
    public async Task SetValueAsync(string? domain, string key, PlistNode value, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        ArgumentNullException.ThrowIfNull(value);
        await RequestAsync("SetValue", r =>
        {
            if (domain is not null)
            {
                r["Domain"] = domain;
            }

            r["Key"] = key;
            r["Value"] = value;
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary><c>Unpair</c>: the device forgets this host (the local pair record is left to the caller).</summary>
    public async Task UnpairAsync(PairRecord? record = null, CancellationToken cancellationToken = default)
    {
        record ??= PairRecord ?? await LoadPairRecordAsync(cancellationToken).ConfigureAwait(false)
            ?? throw new LockdownException(LockdownError.MissingPairRecord, nameof(LockdownError.MissingPairRecord), "Unpair");
        await RequestAsync("Unpair", r =>
        {
            r["PairRecord"] = new PlistDictionary { ["HostID"] = record.HostId };
            r["ProtocolVersion"] = "2";
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Pairs: makes keys and certificates, sends <c>Pair</c>, then saves the record (with the escrow
    /// bag and Wi-Fi MAC) owner-only through the connector.
    /// </summary>
    public async Task<PairRecord> PairAsync(CancellationToken cancellationToken = default)
    {
        var publicKey = (await GetValueAsync(null, "DevicePublicKey", cancellationToken).ConfigureAwait(false)).AsData();
        var buid = await _connector.ReadSystemBuidAsync(cancellationToken).ConfigureAwait(false);
        var record = Lockdown.PairRecord.Generate(Encoding.ASCII.GetString(publicKey), buid);
        var wifi = (await TryGetValueAsync(null, "WiFiAddress", cancellationToken).ConfigureAwait(false)) is PlistString s ? s.Value : null;
        var reply = await RequestAsync("Pair", r =>
        {
            r["PairRecord"] = record.ToDevicePlist();
            r["ProtocolVersion"] = "2";
            r["PairingOptions"] = new PlistDictionary { ["ExtendedPairingErrors"] = true };
        }, cancellationToken).ConfigureAwait(false);
        record = record.WithPairingResult(reply.GetData("EscrowBag"), wifi);
        await _connector.SavePairRecordAsync(PlistCodec.Encode(record.ToPlist(), ServicePlistFormat.Binary), cancellationToken).ConfigureAwait(false);
        PairRecord = record;
        return record;
    }

    /// <summary><c>ValidatePair</c> with the given (or stored) record.</summary>
    public async Task ValidatePairAsync(PairRecord? record = null, CancellationToken cancellationToken = default)
    {
        record ??= await LoadPairRecordAsync(cancellationToken).ConfigureAwait(false)
            ?? throw new LockdownException(LockdownError.MissingPairRecord, nameof(LockdownError.MissingPairRecord), "ValidatePair");
        await RequestAsync("ValidatePair", r =>
        {
            r["PairRecord"] = record.ToDevicePlist();
            r["ProtocolVersion"] = "2";
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary><c>StartSession</c>; switches this connection to TLS when the device asks.</summary>
    public async Task<string> StartSessionAsync(PairRecord record, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(record);
        var reply = await RequestAsync("StartSession", r =>
        {
            r["HostID"] = record.HostId;
            r["SystemBUID"] = record.SystemBuid;
        }, cancellationToken).ConfigureAwait(false);
        _sessionId = reply.GetString("SessionID") ?? throw new LockdownException("lockdownd StartSession reply has no SessionID.");
        PairRecord = record;
        if (reply.GetBoolean("EnableSessionSSL") == true)
        {
            using var certificate = record.LoadTlsClientCertificate();
            await _connection.StartClientTlsAsync(certificate, record.DevicePublicKey(), cancellationToken).ConfigureAwait(false);
        }

        return _sessionId;
    }

    /// <summary><c>StopSession</c>, then back to plaintext.</summary>
    public async Task StopSessionAsync(CancellationToken cancellationToken = default)
    {
        if (_sessionId is null)
        {
            return;
        }

        var id = _sessionId;
        _sessionId = null;
        await RequestAsync("StopSession", r => r["SessionID"] = id, cancellationToken).ConfigureAwait(false);
        await _connection.StopClientTlsAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary><c>StartService</c>; with <paramref name="withEscrowBag"/> the pair record's escrow bag is sent (mobilebackup2).</summary>
    public async Task<LockdownServiceInfo> StartServiceAsync(string service, bool withEscrowBag = false, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(service);
        var escrow = withEscrowBag
            ? PairRecord?.EscrowBag ?? throw new LockdownException($"The pair record has no escrow bag, which {service} needs; pair the device again.")
            : null;
        var reply = await RequestAsync("StartService", r =>
        {
            r["Service"] = service;
            if (escrow is not null)
            {
                r["EscrowBag"] = escrow.RevealUtf8().ToArray();
            }
        }, cancellationToken, service).ConfigureAwait(false);
        var port = reply.GetInt64("Port") ?? throw new LockdownException($"lockdownd StartService {service} reply has no Port.");
        return new LockdownServiceInfo(service, checked((ushort)port), reply.GetBoolean("EnableServiceSSL") == true);
    }

    /// <summary>Starts a service and connects to it (with service TLS when the device asks).</summary>
    public async Task<ServiceConnection> OpenServiceAsync(string service, bool withEscrowBag = false, CancellationToken cancellationToken = default)
    {
        var info = await StartServiceAsync(service, withEscrowBag, cancellationToken).ConfigureAwait(false);
        var connection = new ServiceConnection(await _connector.ConnectAsync(info.Port, cancellationToken).ConfigureAwait(false));
        try
        {
            if (info.EnableServiceSsl)
            {
                var record = PairRecord ?? throw new InvalidOperationException("Service TLS needs a session.");
                using X509Certificate2 certificate = record.LoadTlsClientCertificate();
                await connection.StartClientTlsAsync(certificate, record.DevicePublicKey(), cancellationToken).ConfigureAwait(false);
            }

            return connection;
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Stops the session if one is open, then closes.</summary>
    public async ValueTask DisposeAsync()
    {
        try
        {
            if (_sessionId is not null)
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                await StopSessionAsync(timeout.Token).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException or TimeoutException)
        {
            // Closing anyway.
        }

        await _connection.DisposeAsync().ConfigureAwait(false);
    }

    private async Task<PlistDictionary> RequestAsync(string verb, Action<PlistDictionary>? fill, CancellationToken cancellationToken, string? subject = null)
    {
        var request = new PlistDictionary { ["Label"] = _label, ["Request"] = verb };
        fill?.Invoke(request);
        await _connection.SendPlistAsync(request, ServicePlistFormat.Xml, cancellationToken).ConfigureAwait(false);
        var reply = (await _connection.ReceivePlistAsync(cancellationToken).ConfigureAwait(false)) as PlistDictionary
            ?? throw new LockdownException($"lockdownd answered {verb} with something other than a dictionary.");
        if (reply.GetString("Error") is { } error)
        {
            throw new LockdownException(LockdownException.Parse(error), error, subject ?? verb);
        }

        if (reply.GetString("Request") != verb)
        {
            throw new LockdownException($"lockdownd answered {verb} with a reply for '{reply.GetString("Request")}'.");
        }

        return reply;
    }
}
