using System.Net;
using Keepsake.Device.Simulator;
using Keepsake.TestKit;

namespace Keepsake.Cli.Tests;

/// <summary>
/// A fresh home folder and a simulated iPhone behind its own usbmuxd socket (in this process), with
/// the environment that points a <c>keepsake</c> process at both, as a real phone on USB would be.
/// </summary>
internal sealed class SimulatedPhoneHome : IAsyncDisposable
{
    public const string VaultPassword = "vault-pw-for-device-tests";

    private SimulatedPhoneHome(TempDirectory home, SimulatorHost simulator, SimulatorOptions options)
    {
        Home = home;
        Simulator = simulator;
        Options = options;
    }

    public TempDirectory Home { get; }

    public SimulatorHost Simulator { get; private set; }

    public SimulatorOptions Options { get; private set; }

    public string Phone => Simulator.PhoneFolder;

    /// <summary>Keepsake's data folder in this home (vault, pair records, the backup's temporary folder).</summary>
    public string DataFolder => Path.Combine(Home.Path, ".local", "share", "keepsake");

    public string Vault => Path.Combine(DataFolder, "vault");


    /// <summary>HOME, the default vault with its password, and USBMUXD_SOCKET_ADDRESS of the simulator.</summary>
    public Dictionary<string, string> Env => new()
    {
        ["HOME"] = Home.Path,
        ["XDG_DATA_HOME"] = string.Empty,
        ["KEEPSAKE_VAULT"] = string.Empty,
        ["KEEPSAKE_PASSWORD"] = VaultPassword,
        ["USBMUXD_SOCKET_ADDRESS"] = Simulator.UsbmuxdSocketAddress,
    };

    public static async Task<SimulatedPhoneHome> StartAsync(Action<string>? fillPhone = null, Func<SimulatorOptions, SimulatorOptions>? configure = null)
    {
        var home = new TempDirectory("keepsake-home");
        string? phone = null;
        if (fillPhone is not null)
        {
            phone = home.Combine("phone");
            fillPhone(phone);
        }

        var options = new SimulatorOptions
        {
            ListenAddress = "UNIX:" + home.Combine("usbmuxd.sock"),
            StateFolder = home.Combine("simulator-state"),
            PhoneFolder = phone,
        };
        options = configure?.Invoke(options) ?? options;
        return new SimulatedPhoneHome(home, await SimulatorHost.StartAsync(options), options);
    }

    /// <summary>Stops the simulator and starts it again on the same state with other options (e.g. a fault).</summary>
    public async Task RestartAsync(Func<SimulatorOptions, SimulatorOptions> configure)
    {
        await Simulator.DisposeAsync();
        Options = configure(Options);
        Simulator = await SimulatorHost.StartAsync(Options);
    }

    /// <summary>A loopback address of its own (127.x.y.z), so parallel simulators' Wi-Fi ports never collide.</summary>
    public static IPAddress UniqueLoopback() =>
        new([127, (byte)Random.Shared.Next(2, 250), (byte)Random.Shared.Next(1, 250), (byte)Random.Shared.Next(2, 250)]);

    public ToolResult Run(params string[] arguments) => KeepsakeProcess.Run(arguments, Env);

    public ToolResult Run(IDictionary<string, string> extra, params string[] arguments)
    {
        var env = Env;
        foreach (var (key, value) in extra)
        {
            env[key] = value;
        }

        return KeepsakeProcess.Run(arguments, env);
    }

    public async ValueTask DisposeAsync()
    {
        await Simulator.DisposeAsync();
        Home.Dispose();
    }
}
