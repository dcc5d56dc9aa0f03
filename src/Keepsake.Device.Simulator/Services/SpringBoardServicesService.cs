using Keepsake.Device.Simulator.Phone;
using Keepsake.Device.Transport;
using Keepsake.Plist;

namespace Keepsake.Device.Simulator.Services;

/// <summary>
/// com.apple.springboardservices: <c>getIconPNGData</c> gives a small PNG per installed app (no <c>pngData</c> for an
/// unknown bundle ID); other commands get an empty dictionary. Binary plists back, as the phone sends them.
/// </summary>
internal sealed class SpringBoardServicesService(PhoneContents phone) : IDeviceService
{
    public async Task ServeAsync(Stream stream, CancellationToken cancellationToken)
    {
        var connection = new ServiceConnection(stream) { ReceiveTimeout = Timeout.InfiniteTimeSpan };
        await using var connectionScope = connection.ConfigureAwait(false);
        while (await connection.ReceivePlistOrEndAsync(cancellationToken).ConfigureAwait(false) is PlistNode node)
        {
            var request = node as PlistDictionary;
            var reply = new PlistDictionary();
            if (request?.GetString("command") == "getIconPNGData" && request.GetString("bundleId") is { } bundleId)
            {
                var index = phone.InstalledApps().ToList().IndexOf(bundleId);
                if (index >= 0)
                {
                    reply["pngData"] = BuiltInPhone.Png(60, 60, index + 1);
                }
            }

            await connection.SendPlistAsync(reply, ServicePlistFormat.Binary, cancellationToken).ConfigureAwait(false);
        }
    }
}
