using Keepsake.Device.Transport;
using Keepsake.Plist;

namespace Keepsake.Device.Simulator.Services;

/// <summary>com.apple.mobile.notification_proxy: accepts observe/post quietly, answers Shutdown with ProxyDeath.</summary>
internal sealed class NotificationProxyService(System.Collections.Concurrent.ConcurrentQueue<string> posted) : IDeviceService
{
    public const string ServiceName = "com.apple.mobile.notification_proxy";

    public async Task ServeAsync(Stream stream, CancellationToken cancellationToken)
    {
        var connection = new ServiceConnection(stream) { ReceiveTimeout = Timeout.InfiniteTimeSpan };
        await using var connectionScope = connection.ConfigureAwait(false);
        while (true)
        {
            if (await connection.ReceivePlistOrEndAsync(cancellationToken).ConfigureAwait(false) is not PlistDictionary message)
            {
                return;
            }

            if (message.GetString("Command") == "PostNotification" && message.GetString("Name") is { } name)
            {
                posted.Enqueue(name);
            }

            if (message.GetString("Command") == "Shutdown")
            {
                await connection.SendPlistAsync(new PlistDictionary { ["Command"] = "ProxyDeath" }, ServicePlistFormat.Xml, cancellationToken).ConfigureAwait(false);
                return;
            }
        }
    }
}
