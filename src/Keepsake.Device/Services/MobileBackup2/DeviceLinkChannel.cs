using Keepsake.Device.Transport;
using Keepsake.Plist;

namespace Keepsake.Device.Services.MobileBackup2;

/// <summary>
/// DeviceLink messages over a service connection (binary plist arrays whose first element names the
/// message), for both the host and the device side. Owns the connection.
/// </summary>
public sealed class DeviceLinkChannel(ServiceConnection connection) : IAsyncDisposable
{
    /// <summary>The DeviceLink major version Debian's patched libimobiledevice 1.3.0 speaks.</summary>
    public const long HostMajorVersion = 400;

    public ServiceConnection Connection { get; } = connection ?? throw new ArgumentNullException(nameof(connection));

    /// <summary>The socket stream, for the raw file-transfer framing.</summary>
    public Stream Stream => Connection.Stream;

    /// <summary>Host side of the version exchange: accepts device versions up to <paramref name="hostMajor"/>.</summary>
    public async Task ExchangeVersionsAsHostAsync(long hostMajor = HostMajorVersion, CancellationToken cancellationToken = default)
    {
        var offer = await ReceiveAsync(cancellationToken).ConfigureAwait(false);
        if (Name(offer) != DeviceLinkMessageNames.VersionExchange || offer.Count < 3)
        {
            throw new DeviceProtocolException($"Expected {DeviceLinkMessageNames.VersionExchange}, got {Name(offer)}.");
        }

        var major = offer[1].AsInt64();
        if (major > hostMajor)
        {
            throw new DeviceProtocolException($"The device speaks DeviceLink {major}, newer than {hostMajor}.");
        }

        await SendAsync([DeviceLinkMessageNames.VersionExchange, DeviceLinkMessageNames.VersionsOk, hostMajor], cancellationToken).ConfigureAwait(false);
        var ready = await ReceiveAsync(cancellationToken).ConfigureAwait(false);
        if (Name(ready) != DeviceLinkMessageNames.DeviceReady)
        {
            throw new DeviceProtocolException($"Expected {DeviceLinkMessageNames.DeviceReady}, got {Name(ready)}.");
        }
    }

    /// <summary>Device side of the version exchange.</summary>
    public async Task ExchangeVersionsAsDeviceAsync(long major, long minor, CancellationToken cancellationToken = default)
    {
        await SendAsync([DeviceLinkMessageNames.VersionExchange, major, minor], cancellationToken).ConfigureAwait(false);
        var answer = await ReceiveAsync(cancellationToken).ConfigureAwait(false);
        if (Name(answer) != DeviceLinkMessageNames.VersionExchange || answer.Count < 2 || answer[1] is not PlistString { Value: DeviceLinkMessageNames.VersionsOk })
        {
            throw new DeviceProtocolException("The host rejected the DeviceLink version.");
        }

        await SendAsync([DeviceLinkMessageNames.DeviceReady], cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Sends <c>["DLMessageProcessMessage", dict]</c>.</summary>
    public Task SendProcessMessageAsync(PlistDictionary message, CancellationToken cancellationToken = default) =>
        SendAsync([DeviceLinkMessageNames.ProcessMessage, message], cancellationToken);

    /// <summary>Sends <c>["DLMessageStatusResponse", code, text, payload]</c>.</summary>
    public Task SendStatusResponseAsync(long code, string? text, PlistNode? payload, CancellationToken cancellationToken = default) =>
        SendAsync([DeviceLinkMessageNames.StatusResponse, code, text ?? DeviceLinkMessageNames.EmptyParameter, payload ?? new PlistDictionary()], cancellationToken);

    /// <summary>Sends <c>["DLMessageDisconnect", "___EmptyParameterString___"]</c>.</summary>
    public Task SendDisconnectAsync(CancellationToken cancellationToken = default) =>
        SendAsync([DeviceLinkMessageNames.Disconnect, DeviceLinkMessageNames.EmptyParameter], cancellationToken);

    /// <summary>Sends one DeviceLink array (binary plist).</summary>
    public Task SendAsync(PlistNode[] message, CancellationToken cancellationToken = default) =>
        Connection.SendPlistAsync(new PlistArray(message), ServicePlistFormat.Binary, cancellationToken);

    /// <summary>Receives one DeviceLink array; the first element is a string starting with "DL".</summary>
    public async Task<PlistArray> ReceiveAsync(CancellationToken cancellationToken = default)
    {
        var node = await Connection.ReceivePlistAsync(cancellationToken).ConfigureAwait(false);
        if (node is not PlistArray array || array.Count == 0 || array[0] is not PlistString { Value: var name } || !name.StartsWith("DL", StringComparison.Ordinal))
        {
            throw new DeviceProtocolException($"Expected a DeviceLink message array, got a {node.Kind}.");
        }

        return array;
    }

    /// <summary>The message name of a DeviceLink array.</summary>
    public static string Name(PlistArray message)
    {
        ArgumentNullException.ThrowIfNull(message);
        return message.Count > 0 && message[0] is PlistString s ? s.Value : string.Empty;
    }

    public ValueTask DisposeAsync() => Connection.DisposeAsync();
}
