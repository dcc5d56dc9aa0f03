using System.CommandLine;
using System.Globalization;
using System.Net;
using Keepsake.Cli.Diagnostics;
using Keepsake.Device.Usbmux;
using Keepsake.Primitives;

namespace Keepsake.Cli.Commands;

/// <summary>
/// <c>keepsake doctor</c>: writes a diagnostics bundle (<see cref="DiagnosticsReport"/>) for a bug report, to a
/// file or to standard output, with every secret redacted.
/// </summary>
internal static class DoctorCommand
{
    public static Command Create()
    {
        var output = new Option<string?>("--output", "-o")
        {
            Description = "Write the bundle to FILE ('-' for standard output; default keepsake-doctor-<time>.txt in the current folder).",
            HelpName = "FILE",
        };
        var wifi = new Option<string?>("--wifi") { Description = "Also check the phone at this Wi-Fi address.", HelpName = "ADDRESS" };
        var simulator = new Option<bool>("--simulator") { Description = "Check the built-in simulated iPhone instead of usbmuxd." };
        var command = new Command(
            "doctor",
            "Write a diagnostics bundle to attach to a bug report: versions, whether usbmuxd and each phone's lockdownd answer, which pair records exist, and the last errors. Passwords, keys and tokens are replaced by **redacted**.")
        {
            output, wifi, simulator,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            IPAddress? address = null;
            if (parse.GetValue(wifi) is { } given && !IPAddress.TryParse(given, out address))
            {
                throw new UsageException($"'{given}' is not an IP address (give the phone's Wi-Fi address, e.g. 192.168.1.23).");
            }

            await using var devices = new DeviceAccess();
            var endPoint = UsbmuxAddress.Resolve();
            if (parse.GetValue(simulator))
            {
                await devices.ConnectAsync(null, null, simulator: true, cancellationToken);
                endPoint = devices.SimulatorEndPoint!;
            }

            var vault = new VaultAccess(parse.GetValue(CommonOptions.Vault), null).Location;
            var report = await DiagnosticsReport.WriteAsync(endPoint, vault, address, cancellationToken);
            var path = parse.GetValue(output) ?? string.Create(CultureInfo.InvariantCulture, $"keepsake-doctor-{DateTimeOffset.UtcNow:yyyyMMdd-HHmmss}.txt");
            if (path == "-")
            {
                Console.Out.Write(report);
                return ExitCodes.Success;
            }

            await OwnerOnlyFile.WriteAllBytesAsync(path, System.Text.Encoding.UTF8.GetBytes(report), cancellationToken);
            Console.WriteLine($"Wrote {path}: attach it to your bug report (secrets are redacted; read it first if you like).");
            return ExitCodes.Success;
        });
        return command;
    }
}
