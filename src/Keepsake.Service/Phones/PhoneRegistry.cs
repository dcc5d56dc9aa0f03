using Keepsake.Device.Usbmux;

namespace Keepsake.Service.Phones;

/// <summary>
/// The phones attached right now, as usbmuxd's Listen reports them (USB and Network), and which of them a
/// backup is running for. The scheduler waits on <see cref="WaitForChangeAsync"/> instead of polling.
/// </summary>
public sealed class PhoneRegistry
{
    private readonly Lock _gate = new();
    private readonly Dictionary<uint, PhoneAttachment> _attached = [];
    private readonly HashSet<string> _running = new(StringComparer.OrdinalIgnoreCase);
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Whether usbmuxd is reachable (the watcher's Listen connection is open).</summary>
    public bool UsbmuxdReachable { get; private set; }

    public void Attached(UsbmuxDevice device)
    {
        ArgumentNullException.ThrowIfNull(device);
        lock (_gate)
        {
            _attached[device.DeviceId] = new PhoneAttachment(device);
            Signal();
        }
    }

    public void Detached(uint deviceId)
    {
        lock (_gate)
        {
            if (_attached.Remove(deviceId))
            {
                Signal();
            }
        }
    }

    /// <summary>usbmuxd went away (or came back, with <paramref name="reachable"/>): every attachment it reported is gone.</summary>
    public void SetUsbmuxdReachable(bool reachable)
    {
        lock (_gate)
        {
            UsbmuxdReachable = reachable;
            _attached.Clear();
            Signal();
        }
    }

    /// <summary>Every attachment, USB before Network for each phone.</summary>
    public IReadOnlyList<PhoneAttachment> Attachments()
    {
        lock (_gate)
        {
            return [.. _attached.Values.OrderBy(a => a.Udid, StringComparer.Ordinal).ThenBy(a => a.ConnectionType == UsbmuxDevice.Usb ? 0 : 1)];
        }
    }

    /// <summary>The best attachment of <paramref name="udid"/> (USB first), or null when it is not attached.</summary>
    public PhoneAttachment? Find(string udid)
    {
        lock (_gate)
        {
            return _attached.Values.Where(a => string.Equals(a.Udid, udid, StringComparison.OrdinalIgnoreCase))
                .OrderBy(a => a.ConnectionType == UsbmuxDevice.Usb ? 0 : 1).FirstOrDefault();
        }
    }

    /// <summary>Marks a backup of <paramref name="udid"/> as running; false when one already is.</summary>
    public bool TryStart(string udid)
    {
        lock (_gate)
        {
            return _running.Add(udid);
        }
    }

    public void Finish(string udid)
    {
        lock (_gate)
        {
            _running.Remove(udid);
            Signal();
        }
    }

    public bool IsRunning(string udid)
    {
        lock (_gate)
        {
            return _running.Contains(udid);
        }
    }

    /// <summary>Completes at the next attach, detach, usbmuxd loss or finished backup.</summary>
    public Task WaitForChangeAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return _changed.Task.WaitAsync(cancellationToken);
        }
    }

    private void Signal()
    {
        var previous = _changed;
        _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        previous.TrySetResult();
    }
}
