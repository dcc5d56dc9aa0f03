using Keepsake.Device.Simulator;
using Keepsake.Device.Simulator.Phone;
using Keepsake.TestKit;

namespace Keepsake.Device.Tests;

/// <summary>A simulator on a temp UNIX socket with a small generated phone, plus helpers to run the Debian tools against it.</summary>
internal sealed class SimulatorSession : IAsyncDisposable
{
    private readonly TempDirectory _temp;
    private readonly bool _ownsTemp;

    private SimulatorSession(TempDirectory temp, bool ownsTemp, SimulatorHost host, SimulatorOptions options)
    {
        _temp = temp;
        _ownsTemp = ownsTemp;
        Host = host;
        Options = options;
    }

    public SimulatorHost Host { get; private set; }

    public SimulatorOptions Options { get; }

    public string Root => _temp.Path;

    public string PhoneFolder => Host.PhoneFolder;

    public string StateFolder => _temp.Combine("state");

    public Dictionary<string, string> Environment => new() { ["USBMUXD_SOCKET_ADDRESS"] = Host.UsbmuxdSocketAddress };

    /// <summary>Starts a simulator; with <paramref name="reuse"/> the caller owns (and deletes) the folder, so a later session can start on the same state.</summary>
    public static async Task<SimulatorSession> StartAsync(SimulatorFaults? faults = null, Action<string>? fillPhone = null, TempDirectory? reuse = null, System.Net.IPAddress? networkAddress = null, bool listNetworkDevice = false)
    {
        var temp = reuse ?? new TempDirectory("keepsake-device");
        var phone = Path.Combine(temp.Path, "phone");
        if (!Directory.Exists(phone))
        {
            Directory.CreateDirectory(phone);
            (fillPhone ?? SmallPhone)(phone);
        }

        var options = new SimulatorOptions
        {
            ListenAddress = "UNIX:" + Path.Combine(temp.Path, "usbmuxd.sock"),
            PhoneFolder = phone,
            StateFolder = Path.Combine(temp.Path, "state"),
            Faults = faults ?? SimulatorFaults.None,
            NetworkAddress = networkAddress,
            ListNetworkDevice = listNetworkDevice,
        };
        return new SimulatorSession(temp, reuse is null, await SimulatorHost.StartAsync(options), options);
    }

    /// <summary>A few files in a few domains, with an empty file and a binary one.</summary>
    public static void SmallPhone(string phone)
    {
        BuiltInPhone.Write(phone, "HomeDomain", "Library/SMS/sms.db", [.. Enumerable.Range(0, 70_000).Select(i => (byte)(i * 7))]);
        BuiltInPhone.Write(phone, "HomeDomain", "Library/Notes/notes.txt", "Buy milk\n"u8.ToArray());
        BuiltInPhone.Write(phone, "HomeDomain", "Library/Empty", []);
        BuiltInPhone.Write(phone, "CameraRollDomain", "Media/DCIM/100APPLE/IMG_0001.JPG", [.. Enumerable.Range(0, 150_000).Select(i => (byte)(i % 251))]);
        BuiltInPhone.Write(phone, "AppDomain-com.example.app", "Documents/a.txt", "app data"u8.ToArray());
    }

    /// <summary>The folder a host tool backs up into (<c>Root/backup</c>), created.</summary>
    public string BackupTarget() => Directory.CreateDirectory(System.IO.Path.Combine(Root, "backup")).FullName;

    public ToolResult Run(string tool, params string[] arguments) =>
        ExternalTool.Run(tool, arguments, TimeSpan.FromSeconds(90), Environment);

    /// <summary>Stops the simulator and starts it again on the same folders (state survives).</summary>
    public async Task RestartAsync()
    {
        await Host.StopAsync();
        Host = await SimulatorHost.StartAsync(Options);
    }

    public async ValueTask DisposeAsync()
    {
        await Host.DisposeAsync();
        if (_ownsTemp)
        {
            _temp.Dispose();
        }
    }
}
