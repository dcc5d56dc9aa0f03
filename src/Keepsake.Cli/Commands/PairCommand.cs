using System.CommandLine;
using Keepsake.Device.Lockdown;

namespace Keepsake.Cli.Commands;

/// <summary><c>keepsake pair [--udid U]</c>: pair this computer with a phone (the phone asks "Trust This Computer?").</summary>
internal static class PairCommand
{
    public static Command Create()
    {
        var udid = new Option<string?>("--udid") { Description = "The phone (default: each connected one).", HelpName = "UDID" };
        var simulator = new Option<bool>("--simulator") { Description = "The built-in simulated iPhone." };
        var command = new Command("pair", "Pair with the phone: unlock it and tap Trust when it asks. The pairing is kept with owner-only permissions.") { udid, simulator };
        command.SetAction(async (parse, cancellationToken) =>
        {
            await using var devices = new DeviceAccess();
            foreach (var connector in await devices.ConnectAsync(parse.GetValue(udid), null, parse.GetValue(simulator), cancellationToken))
            {
                await using var lockdown = await LockdownClient.ConnectAsync(connector, cancellationToken: cancellationToken);
                await lockdown.PairAsync(cancellationToken);
                await lockdown.ValidatePairAsync(cancellationToken: cancellationToken);
                Console.WriteLine($"Paired with {connector.Udid}.");
            }

            return ExitCodes.Success;
        });
        return command;
    }
}
