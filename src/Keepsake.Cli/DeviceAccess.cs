using System.Net;
using System.Net.Sockets;
using Keepsake.Device.Lockdown;
using Keepsake.Device.Simulator;
using Keepsake.Device.Transport;
using Keepsake.Device.Usbmux;
using Keepsake.Plist;

namespace Keepsake.Cli;

/// <summary>
/// Finds the iPhone a command talks to: over usbmuxd (honouring USBMUXD_SOCKET_ADDRESS, like
/// libimobiledevice), directly over Wi-Fi at an address, or the built-in simulated iPhone. The
/// composition root for devices: the only place that picks a connector.
/// </summary>
internal sealed class DeviceAccess : IAsyncDisposable
{
    private static readonly TimeSpan WifiProbeTimeout = TimeSpan.FromSeconds(10);

    private SimulatorHost? _simulator;

    /// <summary>Where the simulated iPhone's usbmuxd listens, once <see cref="ConnectAsync"/> started it.</summary>
    public EndPoint? SimulatorEndPoint => _simulator?.EndPoint;

    public static string DataFolder() => Path.GetDirectoryName(VaultAccess.DefaultLocation())!;

    /// <summary>Where per-device working copies live (on Linux, the folder <c>keepsake backups</c> searches by default).</summary>
    public static string WorkingRoot() => Path.Combine(DataFolder(), "backups");

    /// <summary>Where a device backup keeps its owner-only temporary folder while it runs (bookkeeping files only).</summary>
    public static string TemporaryRoot() => Path.Combine(DataFolder(), "tmp");

    /// <summary>The folder where Keepsake keeps its own pair records (for Wi-Fi devices).</summary>
    public static string PairRecordFolder() => Path.Combine(DataFolder(), "pair-records");

    /// <summary>
    /// The phone to talk to, chosen by <paramref name="device"/> (a UDID or the phone's name, as <c>--device</c> gives it);
    /// with <paramref name="simulator"/>, the simulated iPhone serving the generated phone of <paramref name="simulatorPhone"/>
    /// (the default one when null). With no choice and more than one phone attached, <see cref="AmbiguousDeviceException"/>
    /// lists them, unless <paramref name="all"/> asks for each of them; a chosen phone that is not there is
    /// <see cref="NoDeviceException"/>, listing the phones that are.
    /// </summary>
    public async Task<IReadOnlyList<IDeviceConnector>> ConnectAsync(string? device, string? wifiAddress, bool simulator, CancellationToken cancellationToken, Keepsake.Device.Simulator.Phone.Generated.PhoneProfile? simulatorPhone = null, bool all = false)
    {
        if (simulator)
        {
            var state = Path.Combine(DataFolder(), "simulator");
            Directory.CreateDirectory(state);
            var socket = Path.Combine(Path.GetTempPath(), $"keepsake-sim-{Environment.ProcessId}.sock");
            _simulator = await SimulatorHost.StartAsync(new SimulatorOptions { ListenAddress = "UNIX:" + socket, StateFolder = state, Phone = simulatorPhone ?? Keepsake.Device.Simulator.Phone.Generated.PhoneProfile.Default }, cancellationToken);
            var simulated = await UsbmuxDeviceConnector.FindAsync(new UsbmuxClient(_simulator.EndPoint), cancellationToken: cancellationToken);
            if (device is not null && !string.Equals(device, simulated.Udid, StringComparison.OrdinalIgnoreCase)
                && !string.Equals(device, await DeviceNameAsync(simulated, cancellationToken), StringComparison.OrdinalIgnoreCase))
            {
                throw new NoDeviceException($"the simulated iPhone is {simulated.Udid}, not '{device}'.");
            }

            return [simulated];
        }

        if (wifiAddress is not null)
        {
            return [await ConnectOverWifiAsync(wifiAddress, device, cancellationToken)];
        }

        var client = new UsbmuxClient();
        IReadOnlyList<UsbmuxDevice> devices;
        try
        {
            devices = await client.ListDevicesAsync(cancellationToken);
        }
        catch (Exception e) when (e is SocketException or UsbmuxException or IOException)
        {
            throw new NoDeviceException(
                $"no iPhone is connected: usbmuxd is not reachable at {UsbmuxAddress.Format(client.EndPoint)}. "
                + "Connect the phone with a cable (on Linux, install and start usbmuxd), or try 'keepsake backup --simulator'.");
        }

        var attached = devices
            .GroupBy(d => d.Udid, StringComparer.OrdinalIgnoreCase)
            .Select(g => g.OrderBy(d => d.ConnectionType == UsbmuxDevice.Usb ? 0 : 1).First())
            .ToList();
        if (attached.Count == 0)
        {
            throw new NoDeviceException(device is null
                ? "no iPhone is connected. Connect it with a cable and unlock it, or try 'keepsake backup --simulator'."
                : $"the iPhone '{device}' is not connected: no iPhone is.");
        }

        var chosen = attached.Where(d => string.Equals(d.Udid, device, StringComparison.OrdinalIgnoreCase)).ToList();
        if (device is not null && chosen.Count == 0)
        {
            // Not a UDID of an attached phone: perhaps a phone's name (as Finder and the phone's Settings show it).
            var named = await NamesAsync(client, attached, cancellationToken);
            chosen = attached.Where(d => string.Equals(named[d.Udid], device, StringComparison.OrdinalIgnoreCase)).ToList();
            if (chosen.Count == 0)
            {
                throw new NoDeviceException($"the iPhone '{device}' is not connected. Connected: {Describe(attached, named)}.");
            }

            if (chosen.Count > 1)
            {
                throw new AmbiguousDeviceException($"{chosen.Count} connected iPhones are named '{device}': {Describe(chosen, named)}. Choose one by UDID with --device UDID.");
            }
        }
        else if (device is null)
        {
            if (attached.Count > 1 && !all)
            {
                var named = await NamesAsync(client, attached, cancellationToken);
                throw new AmbiguousDeviceException($"{attached.Count} iPhones are connected: {Describe(attached, named)}. Choose one with --device UDID or --device NAME.");
            }

            chosen = attached;
        }

        var connectors = new List<IDeviceConnector>();
        foreach (var phone in chosen)
        {
            // A phone usbmuxd knows only over Wi-Fi is reached at its address, as libimobiledevice does.
            connectors.Add(phone.ConnectionType == UsbmuxDevice.Network && phone.IPAddress is { } address
                ? await ConnectOverWifiAsync(address.ToString(), phone.Udid, cancellationToken)
                : await UsbmuxDeviceConnector.FindAsync(client, phone.Udid, cancellationToken));
        }

        return connectors;
    }

    /// <summary>"NAME (UDID), NAME (UDID)" for an error message.</summary>
    private static string Describe(IEnumerable<UsbmuxDevice> devices, IReadOnlyDictionary<string, string?> names) =>
        string.Join(", ", devices.Select(d => names.TryGetValue(d.Udid, out var name) && name is not null ? $"'{name}' ({d.Udid})" : d.Udid));

    /// <summary>Each attached phone's name, asked from lockdownd (no session needed); null for a phone that does not say.</summary>
    private static async Task<Dictionary<string, string?>> NamesAsync(UsbmuxClient client, IEnumerable<UsbmuxDevice> devices, CancellationToken cancellationToken)
    {
        var names = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (var device in devices)
        {
            names[device.Udid] = device.ConnectionType == UsbmuxDevice.Usb
                ? await DeviceNameAsync(await UsbmuxDeviceConnector.FindAsync(client, device.Udid, cancellationToken), cancellationToken)
                : null;
        }

        return names;
    }

    /// <summary>The phone's name (lockdownd's DeviceName), or null when it cannot be asked within a few seconds.</summary>
    internal static async Task<string?> DeviceNameAsync(IDeviceConnector connector, CancellationToken cancellationToken)
    {
        using var time = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        time.CancelAfter(WifiProbeTimeout);
        try
        {
            await using var lockdown = await LockdownClient.ConnectAsync(connector, cancellationToken: time.Token);
            return await lockdown.GetValueAsync(null, "DeviceName", time.Token) is PlistString { Value.Length: > 0 } name ? name.Value : null;
        }
        catch (Exception e) when (e is IOException or LockdownException or UsbmuxException or SocketException || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            return null;
        }
    }

    /// <summary>
    /// A phone reached directly at an IP address (Wi-Fi sync, lockdownd on port 62078). Its UDID is
    /// asked from lockdownd (QueryType and GetValue need no session) and checked against
    /// <paramref name="device"/> (a UDID or a name) when one is given. The pair record comes from Keepsake's own folder,
    /// where 'keepsake pair' keeps a copy, or else from usbmuxd (a phone paired by Finder, iTunes or
    /// idevicepair), which is then copied there. A phone cannot be paired over Wi-Fi.
    /// </summary>
    private static async Task<IDeviceConnector> ConnectOverWifiAsync(string wifiAddress, string? device, CancellationToken cancellationToken)
    {
        if (!IPAddress.TryParse(wifiAddress, out var address))
        {
            throw new UsageException($"'{wifiAddress}' is not an IP address (give the phone's Wi-Fi address, e.g. 192.168.1.23).");
        }

        string found;
        string? name = null;
        using var probeTime = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        probeTime.CancelAfter(WifiProbeTimeout);
        try
        {
            // The UDID is not known yet: this connector only opens the lockdownd port and reads no pair record.
            var probe = new TcpDeviceConnector(address, "unknown", PairRecordFolder());
            await using var lockdown = await LockdownClient.ConnectAsync(probe, cancellationToken: probeTime.Token);
            found = (await lockdown.GetValueAsync(null, "UniqueDeviceID", probeTime.Token)) is PlistString s && s.Value.Length > 0
                ? s.Value
                : throw new LockdownException($"The phone at {address} did not tell its UDID.");
            if (device is not null && !string.Equals(device, found, StringComparison.OrdinalIgnoreCase))
            {
                name = (await lockdown.GetValueAsync(null, "DeviceName", probeTime.Token)) is PlistString n ? n.Value : null;
            }
        }
        catch (Exception e) when ((e is IOException and not DeviceProtocolException) || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            var why = e is OperationCanceledException ? $"no answer within {WifiProbeTimeout.TotalSeconds:0} s" : e.Message;
            throw new NoDeviceException(
                $"no iPhone answers at {address} ({why}). Check the address, that the phone is awake on the same network, "
                + "and that it was paired over a cable with 'keepsake pair' (which allows Wi-Fi backups).");
        }

        if (device is not null && !string.Equals(device, found, StringComparison.OrdinalIgnoreCase) && !string.Equals(device, name, StringComparison.OrdinalIgnoreCase))
        {
            throw new NoDeviceException($"the iPhone at {address} is {found}, not {device}" + (name is null ? "." : $" (its name is '{name}')."));
        }

        var records = new PairRecordStore(PairRecordFolder());
        if (!records.Has(found))
        {
            var fromUsbmuxd = await TryReadUsbmuxdPairRecordAsync(found, cancellationToken);
            if (fromUsbmuxd is null)
            {
                throw new LockdownException(
                    $"This computer is not paired with the iPhone {found} at {address}. Connect it with a cable and run 'keepsake pair' first: a phone cannot be paired over Wi-Fi.");
            }

            await records.SaveAsync(found, fromUsbmuxd, cancellationToken);
        }

        return new TcpDeviceConnector(address, found, records.Folder);
    }

    /// <summary>usbmuxd's pair record for a UDID, or null when usbmuxd is not running or has none.</summary>
    private static async Task<byte[]?> TryReadUsbmuxdPairRecordAsync(string udid, CancellationToken cancellationToken)
    {
        try
        {
            return await new UsbmuxClient().ReadPairRecordAsync(udid, cancellationToken);
        }
        catch (Exception e) when (e is SocketException or UsbmuxException or IOException)
        {
            return null;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_simulator is not null)
        {
            await _simulator.DisposeAsync();
        }
    }
}
