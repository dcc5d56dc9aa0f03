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

    /// <summary>The phones to talk to; with <paramref name="simulator"/>, the simulated iPhone serving the generated phone of <paramref name="simulatorPhone"/> (the default one when null).</summary>
    public async Task<IReadOnlyList<IDeviceConnector>> ConnectAsync(string? udid, string? wifiAddress, bool simulator, CancellationToken cancellationToken, Keepsake.Device.Simulator.Phone.Generated.PhoneProfile? simulatorPhone = null)
    {
        if (simulator)
        {
            var state = Path.Combine(DataFolder(), "simulator");
            Directory.CreateDirectory(state);
            var socket = Path.Combine(Path.GetTempPath(), $"keepsake-sim-{Environment.ProcessId}.sock");
            _simulator = await SimulatorHost.StartAsync(new SimulatorOptions { ListenAddress = "UNIX:" + socket, StateFolder = state, Phone = simulatorPhone ?? Keepsake.Device.Simulator.Phone.Generated.PhoneProfile.Default }, cancellationToken);
            return [await UsbmuxDeviceConnector.FindAsync(new UsbmuxClient(_simulator.EndPoint), cancellationToken: cancellationToken)];
        }

        if (wifiAddress is not null)
        {
            return [await ConnectOverWifiAsync(wifiAddress, udid, cancellationToken)];
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

        var chosen = devices.Where(d => udid is null || string.Equals(d.Udid, udid, StringComparison.OrdinalIgnoreCase))
            .GroupBy(d => d.Udid, StringComparer.OrdinalIgnoreCase)
            .Select(g => g.OrderBy(d => d.ConnectionType == UsbmuxDevice.Usb ? 0 : 1).First())
            .ToList();
        if (chosen.Count == 0)
        {
            throw new NoDeviceException(udid is null
                ? "no iPhone is connected. Connect it with a cable and unlock it, or try 'keepsake backup --simulator'."
                : $"the iPhone {udid} is not connected.");
        }

        var connectors = new List<IDeviceConnector>();
        foreach (var device in chosen)
        {
            // A phone usbmuxd knows only over Wi-Fi is reached at its address, as libimobiledevice does.
            connectors.Add(device.ConnectionType == UsbmuxDevice.Network && device.IPAddress is { } address
                ? await ConnectOverWifiAsync(address.ToString(), device.Udid, cancellationToken)
                : await UsbmuxDeviceConnector.FindAsync(client, device.Udid, cancellationToken));
        }

        return connectors;
    }

    /// <summary>
    /// A phone reached directly at an IP address (Wi-Fi sync, lockdownd on port 62078). Its UDID is
    /// asked from lockdownd (QueryType and GetValue need no session) and checked against
    /// <paramref name="udid"/> when one is given. The pair record comes from Keepsake's own folder,
    /// where 'keepsake pair' keeps a copy, or else from usbmuxd (a phone paired by Finder, iTunes or
    /// idevicepair), which is then copied there. A phone cannot be paired over Wi-Fi.
    /// </summary>
    private static async Task<IDeviceConnector> ConnectOverWifiAsync(string wifiAddress, string? udid, CancellationToken cancellationToken)
    {
        if (!IPAddress.TryParse(wifiAddress, out var address))
        {
            throw new UsageException($"'{wifiAddress}' is not an IP address (give the phone's Wi-Fi address, e.g. 192.168.1.23).");
        }

        string found;
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
        }
        catch (Exception e) when ((e is IOException and not DeviceProtocolException) || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            var why = e is OperationCanceledException ? $"no answer within {WifiProbeTimeout.TotalSeconds:0} s" : e.Message;
            throw new NoDeviceException(
                $"no iPhone answers at {address} ({why}). Check the address, that the phone is awake on the same network, "
                + "and that it was paired over a cable with 'keepsake pair' (which allows Wi-Fi backups).");
        }

        if (udid is not null && !string.Equals(udid, found, StringComparison.OrdinalIgnoreCase))
        {
            throw new NoDeviceException($"the iPhone at {address} is {found}, not {udid}.");
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
