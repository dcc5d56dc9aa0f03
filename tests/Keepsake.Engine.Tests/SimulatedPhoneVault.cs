using Keepsake.Device.Simulator;
using Keepsake.Device.Transport;
using Keepsake.Device.Usbmux;
using Keepsake.Engine.DeviceBackup;
using Keepsake.Primitives;
using Keepsake.Repository;
using Keepsake.Repository.Backends.Local;
using Keepsake.Repository.Crypto;
using Keepsake.TestKit;

namespace Keepsake.Engine.Tests;

/// <summary>A simulated iPhone serving a phone folder, an empty vault, and the options to back one up into the other.</summary>
internal sealed class SimulatedPhoneVault : IAsyncDisposable
{
    private readonly Secret _vaultPassword;

    private SimulatedPhoneVault(TempDirectory dir, SimulatorHost simulator, Repository.Repository repository, Secret vaultPassword)
    {
        Directory = dir;
        Simulator = simulator;
        Repository = repository;
        _vaultPassword = vaultPassword;
        Options = new DeviceBackupOptions { WorkingRoot = dir.Combine("working"), TemporaryRoot = dir.Combine("tmp"), IdleTimeout = TimeSpan.FromSeconds(30) };
    }

    public TempDirectory Directory { get; }

    public SimulatorHost Simulator { get; }

    public Repository.Repository Repository { get; }

    public DeviceBackupOptions Options { get; }

    public string Phone => Directory.Combine("phone");

    /// <summary>Starts the simulator after <paramref name="fillPhone"/> has written the phone folder.</summary>
    public static async Task<SimulatedPhoneVault> StartAsync(Action<string> fillPhone)
    {
        var dir = new TempDirectory();
        fillPhone(dir.Combine("phone"));
        var simulator = await SimulatorHost.StartAsync(new SimulatorOptions
        {
            ListenAddress = "UNIX:" + dir.Combine("usbmuxd.sock"),
            PhoneFolder = dir.Combine("phone"),
            StateFolder = dir.Combine("state"),
            BackupKeyIterations = 1000,
        });
        var password = Secret.FromString("vault");
        var repository = await Keepsake.Repository.Repository.InitAsync(
            new LocalBackend(dir.Combine("vault")), password, new RepositoryOptions { KdfParameters = KdfParameters.Fast, Hostname = "test-host" });
        return new SimulatedPhoneVault(dir, simulator, repository, password);
    }

    /// <summary>A fresh connection to the simulated phone through its usbmuxd.</summary>
    public async Task<IDeviceConnector> ConnectAsync() =>
        await UsbmuxDeviceConnector.FindAsync(new UsbmuxClient(Simulator.EndPoint));

    public async ValueTask DisposeAsync()
    {
        Repository.Dispose();
        await Simulator.DisposeAsync();
        _vaultPassword.Dispose();
        Directory.Dispose();
    }
}
