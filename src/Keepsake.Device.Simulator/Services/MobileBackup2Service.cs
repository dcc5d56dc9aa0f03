using Keepsake.Device.Services.MobileBackup2;
using Keepsake.Device.Transport;
using Keepsake.Plist;

namespace Keepsake.Device.Simulator.Services;

/// <summary>
/// Device side of com.apple.mobilebackup2: DeviceLink version exchange, Hello, then the requests
/// (Backup, Restore, Info, List, ChangePassword), each a conversation of DeviceLink file requests.
/// </summary>
internal sealed partial class MobileBackup2Service(SimulatedDevice device) : IDeviceService
{
    public async Task ServeAsync(Stream stream, CancellationToken cancellationToken)
    {
        // The connection's own socket (none when faults wrap the stream), for uploads that bypass user-space copies.
        var socket = stream is System.Net.Sockets.NetworkStream network ? network.Socket : null;
        var channel = new DeviceLinkChannel(new ServiceConnection(stream) { ReceiveTimeout = TimeSpan.FromMinutes(10) });
        await using var channelScope = channel.ConfigureAwait(false);
        await channel.ExchangeVersionsAsDeviceAsync(device.Options.DeviceLinkVersion, 0, cancellationToken).ConfigureAwait(false);
        while (true)
        {
            PlistArray message;
            try
            {
                message = await channel.ReceiveAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (DeviceProtocolException)
            {
                return;
            }

            var name = DeviceLinkChannel.Name(message);
            if (name == DeviceLinkMessageNames.Disconnect)
            {
                return;
            }

            if (name != DeviceLinkMessageNames.ProcessMessage || message.Count < 2 || message[1] is not PlistDictionary body)
            {
                continue;
            }

            var result = body.GetString("MessageName") switch
            {
                "Hello" => Hello(),
                "ChangePassword" => ChangePassword(body),
                "Backup" => await BackupAsync(channel, socket, body, cancellationToken).ConfigureAwait(false),
                "Restore" => await RestoreAsync(channel, body, cancellationToken).ConfigureAwait(false),
                "Info" or "List" => await InfoAsync(channel, body, cancellationToken).ConfigureAwait(false),
                var other => Error(1, $"Unsupported request {other}"),
            };
            await channel.SendProcessMessageAsync(result, cancellationToken).ConfigureAwait(false);
        }
    }

    private static PlistDictionary Hello() => new()
    {
        ["MessageName"] = "Response",
        ["ErrorCode"] = 0L,
        ["ProtocolVersion"] = 2.1,
    };

    private static PlistDictionary Success() => new()
    {
        ["ErrorCode"] = 0L,
        ["ErrorDescription"] = string.Empty,
    };

    private static PlistDictionary Error(long code, string description) => new()
    {
        ["ErrorCode"] = code,
        ["ErrorDescription"] = description + $" (MBErrorDomain/{code})",
    };

    private PlistDictionary ChangePassword(PlistDictionary body)
    {
        var current = device.State.BackupPassword;
        var oldPassword = body.GetString("OldPassword");
        var newPassword = body.GetString("NewPassword");
        if (current is not null && oldPassword != current)
        {
            return Error(207, "Wrong old backup password");
        }

        if (current is null && newPassword is null)
        {
            return Error(1, "Backup encryption is not on");
        }

        device.State.BackupPassword = newPassword;
        return Success();
    }
}
