using Keepsake.Device.Transport;
using Keepsake.Device.Usbmux;
using Keepsake.Engine.DeviceBackup;
using Keepsake.Service.Alerts;
using Keepsake.Service.Configuration;
using Keepsake.Service.Events;
using Keepsake.Service.Maintenance;
using Keepsake.Service.Phones;
using Microsoft.Extensions.Hosting;

namespace Keepsake.Service.Jobs;

/// <summary>
/// Runs one phone's backup as a job, through the same Engine use case as <c>keepsake backup</c>
/// (<see cref="DeviceBackupJob"/>): records the attempt, streams progress to the event log's subscribers,
/// and records the outcome and its reason. A failure re-arms the phone (locked: after
/// <see cref="ServiceConfig.LockedRetry"/> or when it is attached again; others: after
/// <see cref="ServiceConfig.FailureRetry"/>); the service never retries in a loop. A backup cut by the
/// service stopping records nothing (the Engine records a snapshot only when the phone finished).
/// </summary>
public sealed class BackupRunner(
    ServeOptions options,
    UsbmuxClient usbmux,
    PhoneRegistry registry,
    PhoneStateStore store,
    JobRegistry jobs,
    EventLog events,
    VaultSession vault,
    ConfigStore config,
    AlertService alerts,
    AfterBackup afterBackup,
    IHostApplicationLifetime lifetime)
{
    private readonly Lock _gate = new();
    private readonly List<Task> _running = [];

    /// <summary>Starts a backup of <paramref name="udid"/>; null when one is already running (see <see cref="JobRegistry.Running"/>).</summary>
    public BackupJobInfo? Start(string udid, string trigger)
    {
        if (!registry.TryStart(udid))
        {
            return null;
        }

        var job = jobs.Add(udid, trigger, options.TimeProvider.GetUtcNow());
        var task = Task.Run(() => RunAsync(job, lifetime.ApplicationStopping));
        lock (_gate)
        {
            _running.RemoveAll(t => t.IsCompleted);
            _running.Add(task);
        }

        return job;
    }

    /// <summary>Waits for running backups to end (at stop, after cancellation).</summary>
    public Task DrainAsync()
    {
        lock (_gate)
        {
            return Task.WhenAll(_running);
        }
    }

    private async Task RunAsync(BackupJobInfo job, CancellationToken stopping)
    {
        var clock = options.TimeProvider;
        var udid = job.Udid;
        try
        {
            store.Update(udid, r => r with { LastAttempt = job.Started });
            events.Record(ServiceEventKinds.BackupStarted, $"backup of {Name(udid)} started ({job.Trigger}).", e => e with { Udid = udid, JobId = job.Id });
            await alerts.PingAsync("start", $"backup of {udid} started", stopping).ConfigureAwait(false);
            var attachment = registry.Find(udid) ?? throw new DeviceDisconnectedException($"the phone {udid} is not attached.");
            var connector = new UsbmuxDeviceConnector(usbmux, attachment.Device);
            DeviceBackupResult result;
            using (var scope = await vault.BeginWriteAsync(stopping).ConfigureAwait(false))
            {
                var backupOptions = new DeviceBackupOptions
                {
                    WorkingRoot = options.WorkingRoot ?? Path.Combine(options.DataFolder, "backups"),
                    TemporaryRoot = Path.Combine(options.DataFolder, "tmp"),
                    BackupPassword = options.BackupPassword,
                };
                result = await DeviceBackupJob.RunAsync(connector, scope.Repository, backupOptions, new ProgressToEvents(events, job), stopping).ConfigureAwait(false);
                var finished = clock.GetUtcNow();
                store.Update(udid, r => r with
                {
                    DeviceName = result.DeviceName,
                    LastAttemptSucceeded = true,
                    LastReason = null,
                    LastMessage = null,
                    LastSuccess = finished,
                    LastSnapshot = result.Snapshot.Id.ToString(),
                    RetryAfter = null,
                });
                jobs.Update(job with { State = BackupJobState.Succeeded, Finished = finished, Snapshot = result.Snapshot.Id.ToString() });
                events.Record(ServiceEventKinds.BackupSucceeded,
                    $"backup of {result.DeviceName} saved as snapshot {result.Snapshot.ShortId} ({(result.WasFull ? "full" : "incremental")}, {result.Stored.BytesAdded} new bytes).",
                    e => e with { Udid = udid, JobId = job.Id });
                await alerts.PingAsync("success", $"backup of {result.DeviceName} saved as snapshot {result.Snapshot.ShortId}", stopping).ConfigureAwait(false);
                await afterBackup.RunAsync(scope.Repository, udid, result.DeviceName, stopping).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            // The service is stopping: the backup recorded no snapshot; the phone stays due.
            var now = clock.GetUtcNow();
            store.Update(udid, r => r with { LastAttemptSucceeded = false, LastReason = BackupFailureReason.Failed, LastMessage = "interrupted: the service stopped during the backup; nothing half-written was recorded." });
            jobs.Update(job with { State = BackupJobState.Failed, Finished = now, Reason = BackupFailureReason.Failed, Message = "interrupted by the service stopping" });
            events.Record(ServiceEventKinds.BackupFailed, $"backup of {Name(udid)} interrupted: the service is stopping; nothing half-written was recorded.", e => e with { Udid = udid, JobId = job.Id, Reason = "interrupted" });
        }
        catch (Exception e)
        {
            await FailedAsync(job, e, stopping).ConfigureAwait(false);
        }
        finally
        {
            registry.Finish(udid);
        }
    }

    private async Task FailedAsync(BackupJobInfo job, Exception exception, CancellationToken stopping)
    {
        var (reason, message) = ServiceErrors.ForBackup(exception);
        var now = options.TimeProvider.GetUtcNow();
        var current = config.Current;
        var retryAfter = now + (reason == BackupFailureReason.PhoneLocked ? current.LockedRetry : current.FailureRetry);
        var record = store.Update(job.Udid, r => r with
        {
            LastAttemptSucceeded = false,
            LastReason = reason,
            LastMessage = message,
            RetryAfter = retryAfter,
        });
        jobs.Update(job with { State = BackupJobState.Failed, Finished = now, Reason = reason, Message = message });
        events.Record(ServiceEventKinds.BackupFailed, $"backup of {Name(job.Udid)} did not happen: {message}", e => e with { Udid = job.Udid, JobId = job.Id, Reason = ReasonNames.Of(reason) });
        try
        {
            await alerts.PingAsync("fail", $"backup of {job.Udid} failed: {message}", stopping).ConfigureAwait(false);
            if (reason is not (BackupFailureReason.Disconnected or BackupFailureReason.Failed))
            {
                // Something the user can fix: ask once per attempt (the next attempt is at retryAfter at the earliest).
                await alerts.RaiseAsync(new Alert(AlertKind.BackupBlocked, Title(reason, record.DeviceName ?? job.Udid), $"{message} Next try: {retryAfter:yyyy-MM-dd HH:mm} UTC or when the phone is attached again.")
                {
                    Udid = job.Udid,
                    LastAttempt = job.Started,
                    Reason = ReasonNames.Of(reason),
                }, stopping).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
        }
    }

    private static string Title(BackupFailureReason reason, string phone) => reason switch
    {
        BackupFailureReason.PhoneLocked => $"Unlock {phone} to back it up",
        BackupFailureReason.HostNotTrusted => $"{phone} does not trust this computer",
        BackupFailureReason.PairingExpired => $"{phone} must be paired again",
        BackupFailureReason.VaultDiskFull => "Keepsake: the vault's disk is full",
        BackupFailureReason.WrongBackupPassword => $"Keepsake: wrong backup password for {phone}",
        BackupFailureReason.WrongVaultPassword => "Keepsake: wrong vault password",
        BackupFailureReason.VaultLocked => "Keepsake: the vault is busy",
        _ => $"Keepsake: backup of {phone} failed",
    };

    private string Name(string udid) => store.Get(udid).DeviceName ?? udid;

    /// <summary>Engine progress → <c>backup-progress</c> events (at most one per percent or stage change).</summary>
    private sealed class ProgressToEvents(EventLog events, BackupJobInfo job) : IProgress<DeviceBackupProgress>
    {
        private DeviceBackupStage? _stage;
        private double _percent = -1;

        public void Report(DeviceBackupProgress value)
        {
            if (value.Stage == _stage && value.Percent - _percent < 1)
            {
                return;
            }

            _stage = value.Stage;
            _percent = value.Percent;
            events.Record(ServiceEventKinds.BackupProgress, $"{value.Stage}: {value.Percent:0}%", e => e with
            {
                Udid = job.Udid,
                JobId = job.Id,
                Stage = value.Stage.ToString(),
                Percent = value.Percent,
                Files = value.Files,
                Bytes = value.Bytes,
            });
        }
    }
}
