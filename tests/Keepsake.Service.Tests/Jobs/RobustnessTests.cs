using System.Text.Json;
using Keepsake.Device.Simulator;
using Keepsake.Service.Events;
using Keepsake.Service.Phones;

namespace Keepsake.Service.Tests.Jobs;

/// <summary>The service outliving what goes wrong: a stop during a backup.</summary>
public sealed class RobustnessTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task StopDuringBackup_RecordsNoSnapshotAndLeavesStateReadable()
    {
        // A slow phone (40 kB/s for ~200 kB) so the stop lands mid-transfer.
        var setup = await SimulatedPhoneService.StartAsync(faults: new SimulatorFaults { BytesPerSecond = 40_000 });
        var vault = ServiceFixture.VaultPath(setup.Service.Directory);
        var stateFile = setup.Service.Options.Paths.StateFile;
        try
        {
            await setup.WaitForEventAsync(e => e.Kind == ServiceEventKinds.BackupStarted, Wait);
            await Task.Delay(TimeSpan.FromSeconds(1.5));
            Assert.DoesNotContain(setup.Events.List(0, 2000), e => e.Kind == ServiceEventKinds.BackupSucceeded);
            await setup.Service.App.StopAsync();
            Assert.Contains(setup.Events.List(0, 2000), e => e.Kind == ServiceEventKinds.BackupFailed && e.Reason == "interrupted");
            Assert.DoesNotContain(setup.Events.List(0, 2000), e => e.Kind == ServiceEventKinds.BackupSucceeded);

            // Nothing half-recorded: no snapshot, no lock left behind, and the state file parses.
            using var repository = await ServiceFixture.OpenVaultAsync(vault, CancellationToken.None);
            Assert.Empty(await repository.ListSnapshotsAsync());
            Assert.Empty(await repository.ListLocksAsync());
            var record = new PhoneStateStore(stateFile).Get(setup.Simulator.Udid);
            Assert.False(record.LastAttemptSucceeded);
            Assert.Null(record.LastSuccess);
            using var events = JsonDocument.Parse("[" + string.Join(',', await File.ReadAllLinesAsync(setup.Service.Options.Paths.EventLog)) + "]");
            Assert.Contains(events.RootElement.EnumerateArray(), e => e.GetProperty("kind").GetString() == ServiceEventKinds.ServiceStopping);
        }
        finally
        {
            await setup.DisposeAsync();
        }
    }
}
