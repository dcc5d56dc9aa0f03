using System.CommandLine;
using Keepsake.Device.Lockdown;
using Keepsake.Device.Transport;
using Keepsake.Plist;

namespace Keepsake.Cli.Commands;

/// <summary>
/// <c>keepsake pair [--udid U]</c>: pair this computer with a phone (the phone asks "Trust This
/// Computer?"). The record goes to usbmuxd, as libimobiledevice and Finder keep it, and a copy to
/// Keepsake's own pair-record folder, where <c>keepsake backup --wifi ADDRESS</c> finds it; the
/// phone is also told to accept backups over Wi-Fi.
/// </summary>
internal static class PairCommand
{
    public static Command Create()
    {
        var udid = CommonOptions.Device("The phone (default: the one connected).");
        var simulator = new Option<bool>("--simulator") { Description = "The built-in simulated iPhone." };
        var command = new Command("pair", "Pair with the phone over a cable: unlock it and tap Trust when it asks. The pairing is kept with owner-only permissions, and the phone then also accepts backups over Wi-Fi ('keepsake backup --wifi ADDRESS').") { udid, simulator };
        command.SetAction(async (parse, cancellationToken) =>
        {
            await using var devices = new DeviceAccess();
            var records = new PairRecordStore(DeviceAccess.PairRecordFolder());
            foreach (var connector in await devices.ConnectAsync(parse.GetValue(udid), null, parse.GetValue(simulator), cancellationToken))
            {
                await using (var lockdown = await LockdownClient.ConnectAsync(connector, cancellationToken: cancellationToken))
                {
                    var record = await lockdown.PairAsync(cancellationToken);
                    await lockdown.ValidatePairAsync(record, cancellationToken);
                    await records.SaveAsync(connector.Udid, PlistWriter.ToBinary(record.ToPlist()), cancellationToken);
                }

                var wifi = await AllowWifiAsync(connector, cancellationToken);
                Console.WriteLine(wifi
                    ? $"Paired with {connector.Udid}; it also accepts backups over Wi-Fi."
                    : $"Paired with {connector.Udid}.");
            }

            return ExitCodes.Success;
        });
        return command;
    }

    /// <summary>Sets com.apple.mobile.wireless_lockdown EnableWifiConnections (Finder's "Show this iPhone when on Wi-Fi"); false when the phone refuses.</summary>
    private static async Task<bool> AllowWifiAsync(Device.Transport.IDeviceConnector connector, CancellationToken cancellationToken)
    {
        try
        {
            await using var session = await LockdownClient.ConnectWithSessionAsync(connector, pairIfNeeded: false, cancellationToken: cancellationToken);
            await session.SetValueAsync("com.apple.mobile.wireless_lockdown", "EnableWifiConnections", PlistBoolean.True, cancellationToken);
            return true;
        }
        catch (LockdownException e)
        {
            Console.Error.WriteLine($"warning: the phone did not allow Wi-Fi backups ({e.Message}).");
            return false;
        }
    }
}
