using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;
using Keepsake.Device.Lockdown;
using Keepsake.Device.Transport;
using Keepsake.Device.Usbmux;
using Keepsake.Plist;

namespace Keepsake.Cli.Diagnostics;

/// <summary>
/// What <c>keepsake doctor</c> writes: versions, the environment Keepsake reads (secrets shown only as "set"),
/// the vault's location, whether usbmuxd and each phone's lockdownd answer, which pair records exist (their
/// field names, never their contents), and the last errors. The whole text goes through
/// <see cref="Redactor"/> before it is returned. Every probe has a time limit and reports its failure as a
/// line: doctor itself fails only on misuse.
/// </summary>
internal static class DiagnosticsReport
{
    private static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(10);

    /// <summary>The variables Keepsake and its libraries read; secret ones are reported as set or not.</summary>
    private static readonly string[] Variables =
    [
        CommonOptions.VaultVariable, CommonOptions.VaultPasswordVariable, CommonOptions.BackupPasswordVariable,
        "KEEPSAKE_ZSTD", "KEEPSAKE_POLY1305", "KEEPSAKE_SQLITE", "KEEPSAKE_DEBUG", UsbmuxAddress.EnvironmentVariable,
        "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE", "AWS_REGION", "AWS_DEFAULT_REGION",
        "XDG_DATA_HOME", "XDG_STATE_HOME", "TMPDIR",
    ];

    /// <param name="usbmuxd">Where usbmuxd listens (the simulated one's address with <c>--simulator</c>).</param>
    /// <param name="vaultLocation">The vault folder or S3 address the commands would use.</param>
    /// <param name="wifiAddress">A phone's Wi-Fi address to probe as well, or null.</param>
    /// <param name="cancellationToken">Stops the probes.</param>
    public static async Task<string> WriteAsync(EndPoint usbmuxd, string vaultLocation, IPAddress? wifiAddress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(usbmuxd);
        ArgumentNullException.ThrowIfNull(vaultLocation);
        var text = new StringBuilder();
        text.AppendLine("Keepsake diagnostics: attach this file to a bug report. Secrets are replaced by **redacted**.");
        text.AppendLine(CultureInfo.InvariantCulture, $"written: {DateTimeOffset.UtcNow:yyyy-MM-ddTHH:mm:ssZ}");

        Section(text, "keepsake");
        text.AppendLine(CultureInfo.InvariantCulture, $"version: {VersionText.Current}");
        text.AppendLine(CultureInfo.InvariantCulture, $"runtime: {RuntimeInformation.FrameworkDescription} ({RuntimeInformation.RuntimeIdentifier}, {RuntimeInformation.ProcessArchitecture})");
        text.AppendLine(CultureInfo.InvariantCulture, $"build: {(RuntimeFeature.IsDynamicCodeSupported ? "JIT" : "native AOT")}, {(File.Exists(Path.Combine(AppContext.BaseDirectory, "keepsake.dll")) ? "assemblies in a folder" : "single file")}");
        text.AppendLine(CultureInfo.InvariantCulture, $"os: {RuntimeInformation.OSDescription}");

        Section(text, "environment");
        foreach (var name in Variables)
        {
            var value = Environment.GetEnvironmentVariable(name);
            // "is set", not "name: value": a secret's name followed by ':' or '=' is redacted as an assignment.
            text.AppendLine(value is null ? $"{name} is not set"
                : Redactor.IsSecretName(name) ? $"{name} is set (value not shown)"
                : $"{name}={value}");
        }

        Section(text, "vault");
        text.AppendLine(CultureInfo.InvariantCulture, $"location: {vaultLocation}");
        if (!vaultLocation.StartsWith("s3:", StringComparison.Ordinal))
        {
            text.AppendLine(File.Exists(Path.Combine(vaultLocation, "config")) ? "config: present" : "config: absent (no vault there yet)");
        }

        Section(text, "usbmuxd");
        await UsbmuxdAsync(text, usbmuxd, cancellationToken).ConfigureAwait(false);

        if (wifiAddress is not null)
        {
            Section(text, "wi-fi");
            var probe = new TcpDeviceConnector(wifiAddress, "unknown", DeviceAccess.PairRecordFolder());
            await LockdownAsync(text, probe, $"lockdownd at {wifiAddress}", cancellationToken).ConfigureAwait(false);
        }

        Section(text, "pair records");
        PairRecordFolder(text, "system (usbmuxd)", SystemPairRecordFolder());
        PairRecordFolder(text, "keepsake (Wi-Fi)", DeviceAccess.PairRecordFolder());

        Section(text, "last errors");
        text.AppendLine(CultureInfo.InvariantCulture, $"log: {ErrorLog.Location()}");
        var errors = ErrorLog.Read();
        if (errors.Count == 0)
        {
            text.AppendLine("(none recorded)");
        }

        foreach (var line in errors)
        {
            text.AppendLine(line);
        }

        return Redactor.FromEnvironment().Redact(text.ToString());
    }

    /// <summary>Where usbmuxd keeps the pair records of this computer.</summary>
    public static string SystemPairRecordFolder() =>
        OperatingSystem.IsWindows() ? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.CommonApplicationData), "Apple", "Lockdown")
        : OperatingSystem.IsMacOS() ? "/var/db/lockdown"
        : "/var/lib/lockdown";

    private static void Section(StringBuilder text, string name) => text.AppendLine().AppendLine(CultureInfo.InvariantCulture, $"[{name}]");

    private static async Task UsbmuxdAsync(StringBuilder text, EndPoint endPoint, CancellationToken cancellationToken)
    {
        text.AppendLine(CultureInfo.InvariantCulture, $"address: {UsbmuxAddress.Format(endPoint)}");
        var client = new UsbmuxClient(endPoint);
        IReadOnlyList<UsbmuxDevice> devices;
        using (var time = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
        {
            time.CancelAfter(ProbeTimeout);
            try
            {
                devices = await client.ListDevicesAsync(time.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (IsProbeFailure(e, cancellationToken))
            {
                text.AppendLine(CultureInfo.InvariantCulture, $"reachable: no ({Why(e)})");
                return;
            }
        }

        text.AppendLine(CultureInfo.InvariantCulture, $"reachable: yes, {devices.Count} device(s)");
        foreach (var device in devices)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"device {device.Udid}: {device.ConnectionType}{(device.IPAddress is { } a ? $" ({a})" : string.Empty)}");
            try
            {
                var record = await client.ReadPairRecordAsync(device.Udid, cancellationToken).ConfigureAwait(false);
                text.AppendLine(record is null ? "  pair record in usbmuxd: absent (run 'keepsake pair')" : $"  pair record in usbmuxd: present ({Fields(record)})");
            }
            catch (Exception e) when (IsProbeFailure(e, cancellationToken))
            {
                text.AppendLine(CultureInfo.InvariantCulture, $"  pair record in usbmuxd: could not be read ({Why(e)})");
            }

            if (device.ConnectionType == UsbmuxDevice.Usb)
            {
                await LockdownAsync(text, new UsbmuxDeviceConnector(client, device), "  lockdownd", cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Connects to lockdownd (no session, no pairing) and reads the phone's model and iOS version.</summary>
    private static async Task LockdownAsync(StringBuilder text, IDeviceConnector connector, string label, CancellationToken cancellationToken)
    {
        using var time = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        time.CancelAfter(ProbeTimeout);
        try
        {
            await using var lockdown = await LockdownClient.ConnectAsync(connector, cancellationToken: time.Token).ConfigureAwait(false);
            var values = new List<string>();
            foreach (var key in new[] { "ProductType", "ProductVersion", "BuildVersion", "UniqueDeviceID" })
            {
                if (await lockdown.TryGetValueAsync(null, key, time.Token).ConfigureAwait(false) is PlistString s)
                {
                    values.Add($"{key} {s.Value}");
                }
            }

            text.AppendLine(CultureInfo.InvariantCulture, $"{label}: answers ({string.Join(", ", values)})");
        }
        catch (Exception e) when (IsProbeFailure(e, cancellationToken))
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"{label}: does not answer ({Why(e)})");
        }
    }

    private static void PairRecordFolder(StringBuilder text, string label, string folder)
    {
        try
        {
            if (!Directory.Exists(folder))
            {
                text.AppendLine(CultureInfo.InvariantCulture, $"{label}: {folder} (absent)");
                return;
            }

            var records = Directory.GetFiles(folder, "*.plist").Select(Path.GetFileNameWithoutExtension).Order(StringComparer.Ordinal).ToList();
            var mode = OperatingSystem.IsWindows() ? string.Empty : $", mode {Convert.ToString((int)File.GetUnixFileMode(folder), 8)}";
            text.AppendLine(CultureInfo.InvariantCulture, $"{label}: {folder}{mode}, {records.Count} record(s){(records.Count > 0 ? ": " + string.Join(", ", records) : string.Empty)}");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"{label}: {folder} (not readable: {e.Message})");
        }
    }

    /// <summary>The field names of a pair record: whether it is complete, without a byte of it.</summary>
    private static string Fields(byte[] record)
    {
        try
        {
            return PlistReader.Read(record) is PlistDictionary d ? "fields: " + string.Join(", ", d.Keys.Order(StringComparer.Ordinal)) : "not a dictionary";
        }
        catch (PlistFormatException)
        {
            return "unreadable";
        }
    }

    private static bool IsProbeFailure(Exception e, CancellationToken cancellationToken) =>
        e is IOException or SocketException or UsbmuxException or LockdownException or InvalidDataException or PlistFormatException
        || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested);

    private static string Why(Exception e) =>
        e is OperationCanceledException ? $"no answer within {ProbeTimeout.TotalSeconds:0} s" : e.Message;
}
