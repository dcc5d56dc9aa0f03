using Keepsake.Device.Lockdown;
using Keepsake.Device.Transport;
using Keepsake.Plist;

namespace Keepsake.Device.Services.NotificationProxy;

/// <summary>Host side of com.apple.mobile.notification_proxy: post and observe notifications, then Shutdown.</summary>
public sealed class NotificationProxyClient : IAsyncDisposable
{
    public const string ServiceName = "com.apple.mobile.notification_proxy";

    public const string SyncWillStart = "com.apple.itunes-mobdev.syncWillStart";
    public const string SyncLockRequest = "com.apple.itunes-mobdev.syncLockRequest";
    public const string SyncDidStart = "com.apple.itunes-mobdev.syncDidStart";
    public const string SyncDidFinish = "com.apple.itunes-mobdev.syncDidFinish";

    private readonly ServiceConnection _connection;
    private bool _shutDown;

    /// <summary>Wraps a connected notification_proxy connection (owned).</summary>
    public NotificationProxyClient(ServiceConnection connection) => _connection = connection ?? throw new ArgumentNullException(nameof(connection));

    public static async Task<NotificationProxyClient> StartAsync(LockdownClient lockdown, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(lockdown);
        return new NotificationProxyClient(await lockdown.OpenServiceAsync(ServiceName, cancellationToken: cancellationToken).ConfigureAwait(false));
    }

    public Task PostAsync(string name, CancellationToken cancellationToken = default) => CommandAsync("PostNotification", name, cancellationToken);

    public Task ObserveAsync(string name, CancellationToken cancellationToken = default) => CommandAsync("ObserveNotification", name, cancellationToken);

    /// <summary>Sends Shutdown and waits (up to 5 s) for the device's ProxyDeath.</summary>
    public async Task ShutdownAsync(CancellationToken cancellationToken = default)
    {
        if (_shutDown)
        {
            return;
        }

        _shutDown = true;
        await _connection.SendPlistAsync(new PlistDictionary { ["Command"] = "Shutdown" }, ServicePlistFormat.Xml, cancellationToken).ConfigureAwait(false);
        _connection.ReceiveTimeout = TimeSpan.FromSeconds(5);
        while (await _connection.ReceivePlistOrEndAsync(cancellationToken).ConfigureAwait(false) is PlistDictionary reply)
        {
            if (reply.GetString("Command") == "ProxyDeath")
            {
                return;
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await ShutdownAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or TimeoutException or OperationCanceledException)
        {
            // The device went away; closing anyway.
        }

        await _connection.DisposeAsync().ConfigureAwait(false);
    }

    private Task CommandAsync(string command, string name, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        return _connection.SendPlistAsync(new PlistDictionary { ["Command"] = command, ["Name"] = name }, ServicePlistFormat.Xml, cancellationToken);
    }
}
