using System.Net.Sockets;
using Keepsake.Device.Usbmux;
using Keepsake.Service.Events;
using Microsoft.Extensions.Hosting;

namespace Keepsake.Service.Phones;

/// <summary>
/// Follows usbmuxd's <c>Listen</c> (Attached and Detached, USB and Network) into the <see cref="PhoneRegistry"/>.
/// When the daemon's socket goes away (Debian's udev rule stops usbmuxd after the last unplug) every phone
/// counts as detached, and the watcher connects again every <see cref="ReconnectDelay"/> until it is back.
/// </summary>
public sealed class UsbmuxWatcher(UsbmuxClient client, PhoneRegistry registry, EventLog events, PhoneStateStore store) : BackgroundService
{
    /// <summary>How long to wait between attempts to reach usbmuxd (real time: the daemon's comings and goings are not scheduled).</summary>
    public static readonly TimeSpan ReconnectDelay = TimeSpan.FromSeconds(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var wasReachable = (bool?)null;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await foreach (var e in client.ListenAsync(stoppingToken).ConfigureAwait(false))
                {
                    if (wasReachable != true)
                    {
                        registry.SetUsbmuxdReachable(true);
                        if (wasReachable == false)
                        {
                            events.Record(ServiceEventKinds.UsbmuxdReachable, $"usbmuxd is reachable again at {UsbmuxAddress.Format(client.EndPoint)}.");
                        }

                        wasReachable = true;
                    }

                    Apply(e);
                }

                // The daemon closed the Listen connection (it is stopping).
                Lost(ref wasReachable, "it closed the connection");
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is SocketException or IOException or UsbmuxException or ObjectDisposedException)
            {
                Lost(ref wasReachable, e.Message);
            }

            try
            {
                await Task.Delay(ReconnectDelay, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private void Apply(UsbmuxDeviceEvent e)
    {
        switch (e.Kind)
        {
            case UsbmuxDeviceEventKind.Attached when e.Device is { } device:
                var known = registry.Find(device.Udid) is not null;
                registry.Attached(device);
                if (!known)
                {
                    // A phone coming back (re-plugged, back on Wi-Fi) is asked again at once, even when it was locked.
                    store.Update(device.Udid, r => r.RetryAfter is null ? r : r with { RetryAfter = null });
                    events.Record(ServiceEventKinds.PhoneAttached, $"phone {device.Udid} attached over {device.ConnectionType}.", x => x with { Udid = device.Udid });
                }

                break;
            case UsbmuxDeviceEventKind.Detached:
                var gone = registry.Attachments().FirstOrDefault(a => a.Device.DeviceId == e.DeviceId);
                registry.Detached(e.DeviceId);
                if (gone is not null && registry.Find(gone.Udid) is null)
                {
                    events.Record(ServiceEventKinds.PhoneDetached, $"phone {gone.Udid} detached.", x => x with { Udid = gone.Udid });
                }

                break;
        }
    }

    private void Lost(ref bool? wasReachable, string why)
    {
        if (wasReachable != false)
        {
            registry.SetUsbmuxdReachable(false);
            events.Record(ServiceEventKinds.UsbmuxdLost, $"usbmuxd is not reachable at {UsbmuxAddress.Format(client.EndPoint)} ({why}); phones count as detached until it is back.");
            wasReachable = false;
        }
    }
}
