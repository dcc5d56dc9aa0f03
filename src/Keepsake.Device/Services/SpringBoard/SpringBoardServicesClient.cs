using Keepsake.Device.Lockdown;
using Keepsake.Device.Transport;
using Keepsake.Plist;

namespace Keepsake.Device.Services.SpringBoard;

/// <summary>
/// Host side of com.apple.springboardservices, as far as a backup needs it: an app's home-screen icon as PNG
/// (<c>{command: "getIconPNGData", bundleId}</c> → <c>{pngData}</c>), which Finder keeps in Info.plist as the
/// placeholder shown while the app reinstalls after a restore. Binary plists out; either form back.
/// </summary>
public sealed class SpringBoardServicesClient : IAsyncDisposable
{
    public const string ServiceName = "com.apple.springboardservices";

    private readonly ServiceConnection _connection;

    /// <summary>Wraps a connected springboardservices connection (owned).</summary>
    public SpringBoardServicesClient(ServiceConnection connection) => _connection = connection ?? throw new ArgumentNullException(nameof(connection));

    public static async Task<SpringBoardServicesClient> StartAsync(LockdownClient lockdown, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(lockdown);
        return new SpringBoardServicesClient(await lockdown.OpenServiceAsync(ServiceName, cancellationToken: cancellationToken).ConfigureAwait(false));
    }

    /// <summary>The icon of <paramref name="bundleId"/> as PNG bytes; null when the phone has none for it.</summary>
    public async Task<byte[]?> GetIconPngDataAsync(string bundleId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(bundleId);
        await _connection.SendPlistAsync(new PlistDictionary { ["command"] = "getIconPNGData", ["bundleId"] = bundleId }, ServicePlistFormat.Binary, cancellationToken).ConfigureAwait(false);
        return await _connection.ReceivePlistAsync(cancellationToken).ConfigureAwait(false) is PlistDictionary reply ? reply.GetData("pngData") : null;
    }

    public ValueTask DisposeAsync() => _connection.DisposeAsync();
}
