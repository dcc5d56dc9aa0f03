namespace Keepsake.Device.Simulator;

/// <summary>How to run the simulated usbmuxd and iPhone.</summary>
public sealed class SimulatorOptions
{
    /// <summary>Where <c>keepsake simulator</c> listens by default: a UNIX socket in the temp folder, or TCP 127.0.0.1:27015 on Windows.</summary>
    public static string DefaultListenAddress =>
        OperatingSystem.IsWindows() ? "127.0.0.1:27015" : "UNIX:" + Path.Combine(Path.GetTempPath(), $"keepsake-simulator-{Environment.UserName}.sock");

    /// <summary>Where <c>keepsake simulator</c> keeps its state by default (per user).</summary>
    public static string DefaultStateFolder =>
        Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.Create), "keepsake", "simulator");

    /// <summary><c>UNIX:/path</c>, <c>/path</c> or <c>127.0.0.1:PORT</c> (port 0 picks a free one).</summary>
    public required string ListenAddress { get; init; }

    /// <summary>Phone contents folder (<c>DIR/&lt;Domain&gt;/&lt;relativePath&gt;</c>); null serves the generated phone of <see cref="Phone"/>, kept under <see cref="StateFolder"/>.</summary>
    public string? PhoneFolder { get; init; }

    /// <summary>Without <see cref="PhoneFolder"/>: the generated phone to serve (seed and size), kept in <c>StateFolder/phones/</c>.</summary>
    public Phone.Generated.PhoneProfile Phone { get; init; } = Keepsake.Device.Simulator.Phone.Generated.PhoneProfile.Default;

    /// <summary>Where pairings, keys, usbmuxd pair records and backup bookkeeping persist across restarts.</summary>
    public required string StateFolder { get; init; }

    /// <summary>
    /// For the built-in phone (no <see cref="PhoneFolder"/>): Messages in iCloud is on (true) or off
    /// (false), written into the phone's Messages preferences at start; null leaves the phone as it is.
    /// When on, the phone leaves its message store out of backups (<see cref="Phone.MessagesInICloudSetting"/>).
    /// </summary>
    public bool? MessagesInICloud { get; init; }

    public SimulatorFaults Faults { get; init; } = SimulatorFaults.None;

    /// <summary>
    /// When set, the device is also reachable over "Wi-Fi": it listens directly on this address at
    /// its real ports (lockdownd 62078 and the service ports), as a network-synced iPhone does.
    /// Any 127.x.y.z address works on Linux, so parallel simulators do not collide.
    /// </summary>
    public System.Net.IPAddress? NetworkAddress { get; init; }

    /// <summary>
    /// With <see cref="NetworkAddress"/>: the fake usbmuxd also lists the phone's Wi-Fi record
    /// (<c>ConnectionType "Network"</c> with its <c>NetworkAddress</c>), as Apple's usbmuxd does for a phone with
    /// Wi-Fi sync on (Debian's does not discover network phones). The record stays while the cable is pulled.
    /// </summary>
    public bool ListNetworkDevice { get; init; }

    /// <summary>
    /// PBKDF2-SHA256 rounds (DPIC) for encrypted backups. Real iPhones use 10,000,000 (seconds per
    /// derivation); the simulator defaults to 10,000 so tests stay fast. The keybag records the value.
    /// </summary>
    public int BackupKeyIterations { get; init; } = 10_000;

    /// <summary>The DeviceLink major version the device offers (400 for iOS 14+; 300 for older hosts).</summary>
    public long DeviceLinkVersion { get; init; } = 400;

    /// <summary>The phone's name as lockdownd and its backups tell it (default "Keepsake Test iPhone"), so that two simulated phones can be told apart by name.</summary>
    public string? DeviceName { get; init; }
}
