using System.CommandLine;
using Keepsake.Device.Simulator;
using Keepsake.Device.Simulator.Phone.Generated;

namespace Keepsake.Cli.Commands;

/// <summary><c>keepsake simulator</c>: run the simulated iPhone (a fake usbmuxd with one phone) until stopped.</summary>
internal static class SimulatorCommand
{
    public static Command Create()
    {
        var listen = new Option<string?>("--listen") { Description = "Where the fake usbmuxd listens: UNIX:/path or 127.0.0.1:PORT (default: a socket in the temp folder).", HelpName = "ADDRESS" };
        var phone = new Option<string?>("--phone") { Description = "Serve the phone contents of DIR (DIR/<Domain>/<relative path>) instead of the built-in phone.", HelpName = "DIR" };
        var state = new Option<string?>("--state") { Description = "Keep the phone's pairings, keys and backup state in DIR (default: in Keepsake's data folder).", HelpName = "DIR" };
        var wifi = new Option<string?>("--wifi") { Description = "Also serve the phone over \"Wi-Fi\": lockdownd and its services listen directly on this local IP address (e.g. 127.0.0.2), for 'keepsake backup --wifi'; usbmuxd then lists its Wi-Fi record too, as Apple's does.", HelpName = "ADDRESS" };
        var messagesInICloud = new Option<string?>("--messages-in-icloud") { Description = "Built-in phone: turn Messages in iCloud on (the phone then leaves its messages out of backups) or off.", HelpName = "on|off" };
        messagesInICloud.AcceptOnlyFromAmong("on", "off");
        var phoneSize = PhoneOptions.Size();
        var seed = PhoneOptions.Seed();
        var chatMessages = PhoneOptions.ChatMessages();
        var photos = PhoneOptions.Photos();
        var advance = new Option<int?>("--advance") { Description = "Change the stored generated phone (the one 'keepsake backup --simulator' and this command serve, by seed and size) as DAYS of use would: new and deleted messages and photos, a contact edited, an app removed; then exit.", HelpName = "DAYS" };
        var command = new Command("simulator", "Run the simulated iPhone until stopped (Ctrl+C). It first prints the USBMUXD_SOCKET_ADDRESS=... line that Keepsake and libimobiledevice tools use to reach it.")
        {
            listen, phone, state, wifi, messagesInICloud, phoneSize, seed, chatMessages, photos, advance,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var stateFolder = parse.GetValue(state) ?? Path.Combine(DeviceAccess.DataFolder(), "simulator");
            Directory.CreateDirectory(stateFolder);
            var profile = PhoneOptions.Profile(parse.GetValue(phoneSize), parse.GetValue(seed), parse.GetValue(chatMessages), parse.GetValue(photos));
            if (parse.GetValue(advance) is { } days)
            {
                if (days < 1 || days > PhonePlan.MaximumAdvanceDays)
                {
                    throw new UsageException($"--advance takes 1 to {PhonePlan.MaximumAdvanceDays} days, not {days}.");
                }

                var plan = GeneratedPhone.Advance(stateFolder, profile, days);
                Console.WriteLine($"The simulated phone (seed {profile.Seed}, {new Keepsake.Primitives.ByteSize(profile.Size)}) is now at {plan.Now:yyyy-MM-dd}: {plan.Messages.Count} messages, {plan.Assets.Count} photos and videos, {plan.Apps.Count} apps.");
                return ExitCodes.Success;
            }

            var address = parse.GetValue(listen) ?? "UNIX:" + Path.Combine(Path.GetTempPath(), "keepsake-simulator.sock");
            System.Net.IPAddress? network = null;
            if (parse.GetValue(wifi) is { } wifiAddress && !System.Net.IPAddress.TryParse(wifiAddress, out network))
            {
                throw new UsageException($"'{wifiAddress}' is not an IP address.");
            }

            await using var host = await SimulatorHost.StartAsync(
                new SimulatorOptions
                {
                    ListenAddress = address,
                    PhoneFolder = parse.GetValue(phone),
                    StateFolder = stateFolder,
                    Phone = profile,
                    NetworkAddress = network,
                    ListNetworkDevice = network is not null,
                    MessagesInICloud = parse.GetValue(messagesInICloud) switch { "on" => true, "off" => false, _ => null },
                },
                cancellationToken);
            Console.WriteLine($"USBMUXD_SOCKET_ADDRESS={host.UsbmuxdSocketAddress}");
            Console.Out.Flush();
            Console.Error.WriteLine($"Simulated iPhone {host.Udid} serving {host.PhoneFolder}. Press Ctrl+C to stop.");
            try
            {
                await Task.Delay(Timeout.Infinite, cancellationToken);
            }
            catch (OperationCanceledException)
            {
            }

            return ExitCodes.Success;
        });
        return command;
    }
}
