using Keepsake.Service.Alerts;
using Keepsake.Service.Configuration;
using Keepsake.Service.Events;
using Keepsake.Service.Phones;
using Microsoft.Extensions.Hosting;

namespace Keepsake.Service.Jobs;

/// <summary>
/// Decides when each attached phone is backed up: as soon as it is due (never backed up, or its interval has
/// passed since the last success, and no re-arm time is pending) and inside its window, over a connection its
/// schedule allows. It sleeps until the next due time on the service's clock, or until a phone comes or goes,
/// a backup ends or the configuration changes; it never polls. It also raises the stale-phone alert.
/// </summary>
public sealed class Scheduler(
    ServeOptions options,
    PhoneRegistry registry,
    PhoneStateStore store,
    ConfigStore config,
    BackupRunner runner,
    AlertService alerts,
    EventLog events) : BackgroundService
{
    private readonly Dictionary<string, DateTimeOffset> _staleAlerted = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>When <paramref name="record"/>'s phone is next due under <paramref name="schedule"/> (now or later).</summary>
    public static DateTimeOffset NextDue(PhoneRecord record, PhoneSchedule schedule, DateTimeOffset now, TimeZoneInfo zone)
    {
        ArgumentNullException.ThrowIfNull(record);
        ArgumentNullException.ThrowIfNull(schedule);
        ArgumentNullException.ThrowIfNull(zone);
        var due = record.LastSuccess is { } last ? last + schedule.Interval : now;
        if (record.RetryAfter is { } retry && retry > due)
        {
            due = retry;
        }

        if (due < now)
        {
            due = now;
        }

        if (schedule.Window is { } window)
        {
            due = window.NextOpening(TimeZoneInfo.ConvertTime(due, zone)).ToUniversalTime();
        }

        return due;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var clock = options.TimeProvider;
        events.Record(ServiceEventKinds.ServiceStarted, $"the service started; vault {options.Vault.Location}.");
        while (!stoppingToken.IsCancellationRequested)
        {
            DateTimeOffset? wake = null;
            try
            {
                var changed = registry.WaitForChangeAsync(stoppingToken);
                var configChanged = config.WaitForChangeAsync(stoppingToken);
                var now = clock.GetUtcNow();
                var current = config.Current;
                foreach (var udid in registry.Attachments().Select(a => a.Udid).Distinct(StringComparer.OrdinalIgnoreCase))
                {
                    var schedule = current.For(udid);
                    if (!schedule.Enabled || registry.IsRunning(udid)
                        || !registry.Attachments().Any(a => string.Equals(a.Udid, udid, StringComparison.OrdinalIgnoreCase) && schedule.Allows(a.ConnectionType)))
                    {
                        continue;
                    }

                    var due = NextDue(store.Get(udid), schedule, now, clock.LocalTimeZone);
                    if (due <= now)
                    {
                        runner.Start(udid, "scheduled");
                    }
                    else
                    {
                        wake = wake is { } w && w < due ? w : due;
                    }
                }

                var staleWake = await CheckStaleAsync(now, current, stoppingToken).ConfigureAwait(false);
                if (staleWake is { } s && (wake is null || s < wake))
                {
                    wake = s;
                }

                var waits = new List<Task> { changed, configChanged };
                if (wake is { } at)
                {
                    waits.Add(Task.Delay(at - now > TimeSpan.Zero ? at - now : TimeSpan.Zero, clock, stoppingToken));
                }

                await Task.WhenAny(waits).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e)
            {
                // The scheduler must outlive any single failure; record it and look again shortly.
                events.Record(ServiceEventKinds.BackupFailed, $"the scheduler met an error and goes on: {e.Message}", x => x with { Reason = "scheduler" });
                try
                {
                    await Task.Delay(TimeSpan.FromSeconds(5), clock, stoppingToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }
        }

        events.Record(ServiceEventKinds.ServiceStopping, "the service is stopping.");
        await runner.DrainAsync().ConfigureAwait(false);
    }

    /// <summary>Raises "no successful backup of PHONE for N days" once per stale period; returns when the next such alert could be due.</summary>
    private async Task<DateTimeOffset?> CheckStaleAsync(DateTimeOffset now, ServiceConfig current, CancellationToken cancellationToken)
    {
        if (current.StaleAfter is not { } staleAfter)
        {
            return null;
        }

        DateTimeOffset? next = null;
        foreach (var record in store.All())
        {
            if (!current.For(record.Udid).Enabled || record.LastSuccess is not { } last)
            {
                continue;
            }

            var staleAt = last + staleAfter;
            if (_staleAlerted.TryGetValue(record.Udid, out var alerted) && alerted >= staleAt)
            {
                staleAt = alerted + staleAfter;
            }

            if (staleAt > now)
            {
                next = next is { } n && n < staleAt ? n : staleAt;
                continue;
            }

            _staleAlerted[record.Udid] = now;
            var days = (int)Math.Floor((now - last).TotalDays);
            var name = record.DeviceName ?? record.Udid;
            var attempt = record.LastAttempt is { } a
                ? $"Last attempt {a:yyyy-MM-dd HH:mm} UTC: {(record.LastAttemptSucceeded == true ? "succeeded" : record.LastMessage ?? "failed")}."
                : "No attempt since.";
            await alerts.RaiseAsync(new Alert(AlertKind.StalePhone, $"No backup of {name} for {days} days",
                $"No successful backup of {name} for {days} days (last one {last:yyyy-MM-dd HH:mm} UTC). {attempt}")
            {
                Udid = record.Udid,
                LastAttempt = record.LastAttempt,
                Reason = record.LastReason is { } r ? ReasonNames.Of(r) : null,
            }, cancellationToken).ConfigureAwait(false);
            next = next is { } m && m < now + staleAfter ? m : now + staleAfter;
        }

        return next;
    }
}
