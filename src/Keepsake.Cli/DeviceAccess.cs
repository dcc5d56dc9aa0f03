using System.Net;
using System.Net.Sockets;
using Keepsake.Device.Simulator;
using Keepsake.Device.Transport;
using Keepsake.Device.Usbmux;

namespace Keepsake.Cli;

/// <summary>
/// Finds the iPhone a command talks to: over usbmuxd (honouring USBMUXD_SOCKET_ADDRESS, like
/// libimobiledevice), directly over Wi-Fi at an address, or the built-in simulated iPhone. The
/// composition root for devices: the only place that picks a connector.
/// </summary>
internal sealed class DeviceAccess : IAsyncDisposable
{
    private SimulatorHost? _simulator;

    public static string DataFolder() => Path.GetDirectoryName(VaultAccess.DefaultLocation())!;

    /// <summary>Where per-device working copies live (on Linux, the folder <c>keepsake backups</c> searches by default).</summary>
    public static string WorkingRoot() => Path.Combine(DataFolder(), "backups");

    /// <summary>The folder where Keepsake keeps its own pair records (for Wi-Fi devices).</summary>
    public static string PairRecordFolder() => Path.Combine(DataFolder(), "pair-records");

    public async Task<IReadOnlyList<IDeviceConnector>> ConnectAsync(string? udid, string? wifiAddress, bool simulator, CancellationToken cancellationToken)
    {
        if (simulator)
        {
            var state = Path.Combine(DataFolder(), "simulator");
            Directory.CreateDirectory(state);
            var socket = Path.Combine(Path.GetTempPath(), $"keepsake-sim-{Environment.ProcessId}.sock");
            _simulator = await SimulatorHost.StartAsync(new SimulatorOptions { ListenAddress = "UNIX:" + socket, StateFolder = state }, cancellationToken);
            return [await UsbmuxDeviceConnector.FindAsync(new UsbmuxClient(_simulator.EndPoint), cancellationToken: cancellationToken)];
        }

        if (wifiAddress is not null)
        {
            if (udid is null)
            {
                throw new UsageException("a Wi-Fi backup needs the phone's --udid (pair it over USB first).");
            }

            if (!IPAddress.TryParse(wifiAddress, out var address))
            {
                throw new UsageException($"'{wifiAddress}' is not an IP address.");
            }

            return [new TcpDeviceConnector(address, udid, PairRecordFolder())];
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
            connectors.Add(await UsbmuxDeviceConnector.FindAsync(client, device.Udid, cancellationToken));
        }

        return connectors;
    }

    public async ValueTask DisposeAsync()
    {
        if (_simulator is not null)
        {
            await _simulator.DisposeAsync();
        }
    }
}
