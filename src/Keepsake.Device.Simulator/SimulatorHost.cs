using System.Net;
using Keepsake.Device.Simulator.Phone;
using Keepsake.Device.Simulator.Phone.Generated;
using Keepsake.Device.Simulator.Usbmuxd;
using Keepsake.Device.Usbmux;

namespace Keepsake.Device.Simulator;

/// <summary>
/// Runs a simulated usbmuxd with one simulated iPhone attached. Point libimobiledevice tools or
/// Keepsake at it with <c>USBMUXD_SOCKET_ADDRESS=<see cref="UsbmuxdSocketAddress"/></c>.
/// </summary>
public sealed class SimulatorHost : IAsyncDisposable
{
    private readonly FakeUsbmuxd _usbmuxd;
    private readonly SimulatedDevice _device;
    private readonly NetworkListener? _network;
    private int _stopped;

    private SimulatorHost(FakeUsbmuxd usbmuxd, SimulatedDevice device, NetworkListener? network)
    {
        _usbmuxd = usbmuxd;
        _device = device;
        _network = network;
    }

    /// <summary>The value for <c>USBMUXD_SOCKET_ADDRESS</c> (e.g. <c>UNIX:/tmp/x.sock</c> or <c>127.0.0.1:27015</c>).</summary>
    public string UsbmuxdSocketAddress => UsbmuxAddress.Format(_usbmuxd.EndPoint);

    /// <summary>The endpoint the fake usbmuxd listens on.</summary>
    public EndPoint EndPoint => _usbmuxd.EndPoint;

    /// <summary>The simulated iPhone's UDID.</summary>
    public string Udid => _device.Identity.Udid;

    /// <summary>The phone contents folder in use.</summary>
    public string PhoneFolder => _device.Phone.Root;

    /// <summary>The notifications hosts posted (e.g. com.apple.itunes-mobdev.syncWillStart), in order.</summary>
    public IReadOnlyList<string> PostedNotifications => [.. _device.PostedNotifications];

    /// <summary>The bundle IDs the last restore asked the phone to reinstall (/iTunesRestore/RestoreApplications.plist).</summary>
    public IReadOnlyList<string> LastRestoreApplications => _device.LastRestoreApplications;

    /// <summary>Simulates pulling the cable: the device leaves ListDevices, listeners get Detached, Connect fails.</summary>
    public Task DetachAsync() => _usbmuxd.SetAttachedAsync(false);

    /// <summary>Simulates plugging the cable back in: listeners get Attached.</summary>
    public Task AttachAsync() => _usbmuxd.SetAttachedAsync(true);

    /// <summary>
    /// Locks (true) or unlocks (false) the phone while it runs: a locked phone answers PasswordProtected to Pair
    /// and to StartService of mobilebackup2, as an iPhone with a passcode does until it is unlocked.
    /// </summary>
    public void SetPasscodeLocked(bool locked) => _device.PasscodeLocked = locked;

    /// <summary>Starts listening; generates the phone of <see cref="SimulatorOptions.Phone"/> first when no phone folder is given and it is not stored yet.</summary>
    public static Task<SimulatorHost> StartAsync(SimulatorOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrEmpty(options.StateFolder);
        cancellationToken.ThrowIfCancellationRequested();
        var endPoint = UsbmuxAddress.ParseListen(options.ListenAddress);
        if (endPoint is DnsEndPoint dns)
        {
            endPoint = new IPEndPoint(dns.Host == "localhost" ? IPAddress.Loopback : IPAddress.Parse(dns.Host), dns.Port);
        }

        var phoneFolder = options.PhoneFolder;
        if (phoneFolder is null)
        {
            phoneFolder = GeneratedPhone.Ensure(options.StateFolder, options.Phone);

            if (options.MessagesInICloud is { } messagesInICloud)
            {
                MessagesInICloudSetting.Write(phoneFolder, messagesInICloud);
            }
        }

        var device = new SimulatedDevice(options, new PhoneContents(phoneFolder));
        try
        {
            var usbmuxd = new FakeUsbmuxd(endPoint, device, Path.Combine(options.StateFolder, "usbmuxd"), options.ListNetworkDevice ? options.NetworkAddress : null);
            var network = options.NetworkAddress is { } address ? new NetworkListener(address, device, device.Ports) : null;
            usbmuxd.Start();
            return Task.FromResult(new SimulatorHost(usbmuxd, device, network));
        }
        catch
        {
            device.Dispose();
            throw;
        }
    }

    /// <summary>Stops listening and ends open connections.</summary>
    public async Task StopAsync()
    {
        if (Interlocked.Exchange(ref _stopped, 1) == 0)
        {
            await _usbmuxd.DisposeAsync().ConfigureAwait(false);
            if (_network is not null)
            {
                await _network.DisposeAsync().ConfigureAwait(false);
            }

            _device.Dispose();
        }
    }

    public async ValueTask DisposeAsync() => await StopAsync().ConfigureAwait(false);
}
