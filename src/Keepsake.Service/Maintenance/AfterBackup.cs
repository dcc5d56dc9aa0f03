using Keepsake.Engine.Vault;
using Keepsake.Repository.Backends;
using Keepsake.Service.Alerts;
using Keepsake.Service.Configuration;
using Keepsake.Service.Events;

namespace Keepsake.Service.Maintenance;

/// <summary>
/// What runs after each successful backup, in order: retention (<c>forget</c> with the phone's policy, over
/// that phone's snapshots only), a periodic <c>prune</c>, the off-site <c>copy</c> of every snapshot to the
/// second vault, and a periodic <c>check --read-data-subset</c>. Each step that fails is recorded and alerted;
/// it does not undo the backup nor stop the steps after it.
/// </summary>
public sealed class AfterBackup(ServeOptions options, ConfigStore config, EventLog events, AlertService alerts, MaintenanceState state)
{
    public async Task RunAsync(Keepsake.Repository.Repository repository, string udid, string? phoneName, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(repository);
        var current = config.Current;
        var clock = options.TimeProvider;
        await Step("retention", () => ApplyRetentionAsync(repository, udid, current.For(udid).Retention, cancellationToken)).ConfigureAwait(false);
        if (current.PruneEvery is { } pruneEvery && (state.LastPrune is not { } lastPrune || clock.GetUtcNow() - lastPrune >= pruneEvery))
        {
            await Step("prune", async () =>
            {
                var result = await repository.PruneAsync(cancellationToken).ConfigureAwait(false);
                state.Pruned(clock.GetUtcNow());
                events.Record(ServiceEventKinds.Pruned, $"pruned the vault: {result.PacksRemoved} packs removed.");
            }).ConfigureAwait(false);
        }

        if (current.CopyTo is { } copyTo)
        {
            await CopyAsync(repository, copyTo, current.CopyPasswordFile, phoneName ?? udid, cancellationToken).ConfigureAwait(false);
        }

        if (current.CheckEvery is { } checkEvery && (state.LastCheck is not { } lastCheck || clock.GetUtcNow() - lastCheck >= checkEvery))
        {
            await CheckAsync(repository, current.CheckReadDataFraction, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task ApplyRetentionAsync(Keepsake.Repository.Repository repository, string udid, Keepsake.Repository.RetentionPolicy policy, CancellationToken cancellationToken)
    {
        var snapshots = (await repository.ListSnapshotsAsync(cancellationToken).ConfigureAwait(false))
            .Where(s => string.Equals(AppleBackupTags.Get(s, "udid"), udid, StringComparison.OrdinalIgnoreCase))
            .ToList();
        var plan = Keepsake.Repository.Repository.ApplyPolicy(snapshots, policy);
        if (plan.Removed.Count > 0)
        {
            await using var repoLock = (await repository.LockAsync(exclusive: true, cancellationToken).ConfigureAwait(false)).ConfigureAwait(false);
            foreach (var s in plan.Removed)
            {
                await repository.Backend.RemoveAsync(FileType.Snapshot, s.Id.ToString(), cancellationToken).ConfigureAwait(false);
            }
        }

        events.Record(ServiceEventKinds.RetentionApplied, $"retention for {udid}: kept {plan.Kept.Count} snapshots, forgot {plan.Removed.Count}.", e => e with { Udid = udid });
    }

    private async Task CopyAsync(Keepsake.Repository.Repository repository, string copyTo, string? passwordFile, string phone, CancellationToken cancellationToken)
    {
        var clock = options.TimeProvider;
        var attempt = clock.GetUtcNow();
        try
        {
            if (options.OpenCopyTarget is not { } open)
            {
                throw new InvalidOperationException("this service cannot open a second vault.");
            }

            using var target = await open(copyTo, passwordFile, cancellationToken).ConfigureAwait(false);
            var result = await repository.CopyToAsync(target, await repository.ListSnapshotsAsync(cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
            state.Copied(attempt, null);
            events.Record(ServiceEventKinds.CopySucceeded, $"copied {result.Copied.Count} snapshots to {copyTo} ({result.AlreadyPresent} already there).");
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            var message = ServiceErrors.ForBackup(e).Message;
            state.Copied(attempt, message);
            await alerts.RaiseAsync(new Alert(AlertKind.CopyFailing, "Keepsake: off-site copy failing",
                $"The off-site copy to {copyTo} failed after the backup of {phone}: {message} Last attempt {attempt:yyyy-MM-dd HH:mm} UTC"
                + (state.LastCopySuccess is { } ok ? $"; last successful copy {ok:yyyy-MM-dd HH:mm} UTC." : "; no copy has succeeded yet."))
            {
                LastAttempt = attempt,
                Reason = message,
            }, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task CheckAsync(Keepsake.Repository.Repository repository, double fraction, CancellationToken cancellationToken)
    {
        var clock = options.TimeProvider;
        var attempt = clock.GetUtcNow();
        try
        {
            var result = await repository.CheckAsync(readData: true, readDataFraction: fraction, cancellationToken: cancellationToken).ConfigureAwait(false);
            state.Checked(attempt);
            if (result.IsOk)
            {
                events.Record(ServiceEventKinds.CheckPassed, $"vault check passed (read {fraction:P0} of the data).");
                return;
            }

            await alerts.RaiseAsync(new Alert(AlertKind.CheckProblems, "Keepsake: vault check found problems",
                $"The check of {options.Vault.Location} at {attempt:yyyy-MM-dd HH:mm} UTC found {result.Errors.Count} problems; first: {result.Errors[0]}. Run 'keepsake check --read-data' and see 'keepsake repair'.")
            {
                LastAttempt = attempt,
                Reason = result.Errors[0].ToString(),
            }, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            await alerts.RaiseAsync(new Alert(AlertKind.CheckProblems, "Keepsake: vault check failed",
                $"The check of {options.Vault.Location} at {attempt:yyyy-MM-dd HH:mm} UTC could not run: {ServiceErrors.ForBackup(e).Message}")
            {
                LastAttempt = attempt,
                Reason = e.Message,
            }, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task Step(string name, Func<Task> step)
    {
        try
        {
            await step().ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            events.Record(ServiceEventKinds.BackupFailed, $"{name} after the backup failed: {ServiceErrors.ForBackup(e).Message}", x => x with { Reason = name });
        }
    }
}
