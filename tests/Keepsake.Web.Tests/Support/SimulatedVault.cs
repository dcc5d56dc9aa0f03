using Keepsake.Device.Simulator;
using Keepsake.Device.Simulator.Phone.Generated;
using Keepsake.Device.Transport;
using Keepsake.Device.Usbmux;
using Keepsake.Engine.DeviceBackup;
using Keepsake.Primitives;
using Keepsake.Repository;
using Keepsake.Repository.Backends.Local;
using Keepsake.Repository.Crypto;
using Keepsake.Repository.Snapshots;
using Keepsake.TestKit;

namespace Keepsake.Web.Tests.Support;

/// <summary>
/// A generated phone served by the simulator, backed up into a fresh vault through the real device
/// backup: <see cref="First"/>, then (after <c>--advance</c>'s <see cref="PhonePlan.Advance"/>)
/// <see cref="Second"/>, then with encryption turned on <see cref="Encrypted"/>. The plans are the
/// phone's ground truth at each backup.
/// </summary>
internal sealed class SimulatedVault : IAsyncDisposable
{
    public const string BackupPassword = "web-test-backup-pw";

    private SimulatedVault(TempDirectory dir, Repository.Repository repository)
    {
        Directory = dir;
        Repository = repository;
    }

    public TempDirectory Directory { get; }

    public Repository.Repository Repository { get; }

    public string PhoneFolder { get; private set; } = "";

    public PhonePlan FirstPlan { get; private set; } = null!;

    public PhonePlan SecondPlan { get; private set; } = null!;

    public Snapshot First { get; private set; } = null!;

    public Snapshot Second { get; private set; } = null!;

    public Snapshot? Encrypted { get; private set; }

    public string Udid { get; private set; } = "";

    /// <param name="profile">The phone.</param>
    /// <param name="advanceAndEncrypt">Also advance the phone for a second snapshot and make an encrypted third.</param>
    public static async Task<SimulatedVault> CreateAsync(PhoneProfile profile, bool advanceAndEncrypt)
    {
        var dir = new TempDirectory("keepsake-web");
        using var password = Secret.FromString("vault");
        var repository = await Keepsake.Repository.Repository.InitAsync(
            new LocalBackend(dir.Combine("vault")), password, new RepositoryOptions { KdfParameters = KdfParameters.Fast, Hostname = "test-host" });
        var vault = new SimulatedVault(dir, repository);
        try
        {
            await vault.BackUpAsync(profile, advanceAndEncrypt);
            return vault;
        }
        catch
        {
            await vault.DisposeAsync();
            throw;
        }
    }

    private async Task BackUpAsync(PhoneProfile profile, bool advanceAndEncrypt)
    {
        var simulatorFolder = Directory.Combine("simulator");
        PhoneFolder = GeneratedPhone.Ensure(simulatorFolder, profile);
        FirstPlan = GeneratedPhone.Plan(simulatorFolder, profile);
        var options = new DeviceBackupOptions { WorkingRoot = Directory.Combine("working"), TemporaryRoot = Directory.Combine("tmp"), IdleTimeout = TimeSpan.FromSeconds(120) };
        First = await RunBackupAsync(options);
        if (!advanceAndEncrypt)
        {
            Second = First;
            SecondPlan = FirstPlan;
            return;
        }

        SecondPlan = GeneratedPhone.Advance(simulatorFolder, profile, 3);
        Second = await RunBackupAsync(options);
        await using (var simulator = await StartSimulatorAsync())
        {
            using var backupPassword = Secret.FromString(BackupPassword);
            await DeviceEncryption.ChangeAsync(await ConnectAsync(simulator), options.WorkingRoot, null, backupPassword);
        }

        Encrypted = await RunBackupAsync(options);
    }

    private async Task<Snapshot> RunBackupAsync(DeviceBackupOptions options)
    {
        await using var simulator = await StartSimulatorAsync();
        Udid = simulator.Udid;
        var result = await DeviceBackupJob.RunAsync(await ConnectAsync(simulator), Repository, options);
        return result.Snapshot;
    }

    private Task<SimulatorHost> StartSimulatorAsync(string? phoneFolder = null, string state = "state") => SimulatorHost.StartAsync(new SimulatorOptions
    {
        ListenAddress = "UNIX:" + Directory.Combine(state + ".sock"),
        PhoneFolder = phoneFolder ?? PhoneFolder,
        StateFolder = Directory.Combine(state),
        BackupKeyIterations = 1000,
    });

    /// <summary>Backs up a second phone (its own identity) made from <paramref name="profile"/> into the same vault.</summary>
    public async Task<(Snapshot Snapshot, PhonePlan Plan, string PhoneFolder)> BackUpOtherPhoneAsync(PhoneProfile profile, string name)
    {
        var simulatorFolder = Directory.Combine("simulator-" + name);
        var phone = GeneratedPhone.Ensure(simulatorFolder, profile);
        var options = new DeviceBackupOptions { WorkingRoot = Directory.Combine("working-" + name), TemporaryRoot = Directory.Combine("tmp-" + name), IdleTimeout = TimeSpan.FromSeconds(300) };
        await using var simulator = await StartSimulatorAsync(phone, "state-" + name);
        var result = await DeviceBackupJob.RunAsync(await ConnectAsync(simulator), Repository, options);
        return (result.Snapshot, GeneratedPhone.Plan(simulatorFolder, profile), phone);
    }

    private static async Task<IDeviceConnector> ConnectAsync(SimulatorHost simulator) =>
        await UsbmuxDeviceConnector.FindAsync(new UsbmuxClient(simulator.EndPoint));

    public ValueTask DisposeAsync()
    {
        Repository.Dispose();
        Directory.Dispose();
        return ValueTask.CompletedTask;
    }
}
