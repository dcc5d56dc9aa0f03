using System.CommandLine;
using System.Globalization;
using Keepsake.BackupFormat;
using Keepsake.Device.Usbmux;

namespace Keepsake.Cli.Commands;

/// <summary><c>keepsake devices</c>: the iPhones usbmuxd sees (USB and Wi-Fi), paired or not, with the age of their last backup.</summary>
internal static class DevicesCommand
{
    public static Command Create()
    {
        var json = CommonOptions.Json();
        var command = new Command("devices", "List connected iPhones (USB and Wi-Fi), whether this computer is paired with each, and how old its last Keepsake backup is.") { json };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var client = new UsbmuxClient();
            IReadOnlyList<UsbmuxDevice> devices;
            try
            {
                devices = await client.ListDevicesAsync(cancellationToken);
            }
            catch (Exception e) when (e is System.Net.Sockets.SocketException or UsbmuxException or IOException)
            {
                throw new NoDeviceException($"usbmuxd is not reachable at {UsbmuxAddress.Format(client.EndPoint)}: no iPhone can be seen (on Linux, install and start usbmuxd).");
            }

            var rows = new List<(UsbmuxDevice Device, bool Paired, DateTimeOffset? LastBackup)>();
            foreach (var device in devices)
            {
                var paired = await client.ReadPairRecordAsync(device.Udid, cancellationToken) is not null;
                var working = Path.Combine(DeviceAccess.WorkingRoot(), device.Udid);
                DateTimeOffset? last = null;
                if (Directory.Exists(working))
                {
                    var properties = BackupFolder.ReadProperties(working);
                    last = properties.SnapshotState == "finished" ? properties.StatusPlist?.GetDate("Date") ?? properties.Date : null;
                }

                rows.Add((device, paired, last));
            }

            if (parse.GetValue(json))
            {
                JsonOutput.WriteArray(Console.Out, rows, (w, r) =>
                {
                    w.WriteString("udid", r.Device.Udid);
                    w.WriteString("connection", r.Device.ConnectionType);
                    if (r.Device.IPAddress is { } address)
                    {
                        w.WriteString("address", address.ToString());
                    }

                    w.WriteBoolean("paired", r.Paired);
                    w.WriteDate("lastBackup", r.LastBackup);
                });
                return ExitCodes.Success;
            }

            if (rows.Count == 0)
            {
                Console.WriteLine("No iPhone is connected.");
                return ExitCodes.Success;
            }

            var table = new TextTable("UDID", "CONNECTION", "PAIRED", "LAST BACKUP");
            foreach (var (device, paired, last) in rows)
            {
                table.Add(device.Udid, device.IPAddress is { } address ? $"Wi-Fi ({address})" : device.ConnectionType, paired ? "yes" : "no", last is { } t ? Age(DateTimeOffset.UtcNow - t) + " ago" : "never");
            }

            table.Write(Console.Out);
            return ExitCodes.Success;
        });
        return command;
    }

    private static string Age(TimeSpan age) =>
        age.TotalDays >= 1 ? string.Create(CultureInfo.InvariantCulture, $"{(int)age.TotalDays} days")
        : age.TotalHours >= 1 ? string.Create(CultureInfo.InvariantCulture, $"{(int)age.TotalHours} hours")
        : string.Create(CultureInfo.InvariantCulture, $"{(int)Math.Max(1, age.TotalMinutes)} minutes");
}
