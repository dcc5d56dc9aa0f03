using System.CommandLine;
using System.Globalization;
using Keepsake.Device.Usbmux;
using Keepsake.Engine.Vault;

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

            var lastBackups = await LastBackupsAsync(new VaultAccess(parse.GetValue(CommonOptions.Vault), null), cancellationToken);
            var rows = new List<(UsbmuxDevice Device, bool Paired, DateTimeOffset? LastBackup)>();
            foreach (var device in devices)
            {
                var paired = await client.ReadPairRecordAsync(device.Udid, cancellationToken) is not null;
                rows.Add((device, paired, lastBackups.TryGetValue(device.Udid, out var last) ? last : null));
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

    /// <summary>
    /// Each phone's newest snapshot time in the vault (backups live only there). Read only when the vault
    /// exists and its password comes without asking (KEEPSAKE_PASSWORD): listing phones never prompts.
    /// </summary>
    private static async Task<Dictionary<string, DateTimeOffset>> LastBackupsAsync(VaultAccess vault, CancellationToken cancellationToken)
    {
        var last = new Dictionary<string, DateTimeOffset>(StringComparer.OrdinalIgnoreCase);
        if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable(CommonOptions.VaultPasswordVariable)) || !await vault.ExistsAsync(cancellationToken))
        {
            return last;
        }

        using var repository = await vault.OpenAsync(cancellationToken);
        foreach (var snapshot in await repository.ListSnapshotsAsync(cancellationToken))
        {
            if (AppleBackupTags.Get(snapshot, "udid") is { } udid && (!last.TryGetValue(udid, out var seen) || snapshot.Time > seen))
            {
                last[udid] = snapshot.Time;
            }
        }

        return last;
    }
}
