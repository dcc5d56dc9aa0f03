using System.Diagnostics;
using System.Text.Json;
using Keepsake.Device.Simulator;
using Keepsake.Service.Events;
using Keepsake.Service.Phones;
using Keepsake.TestKit;

namespace Keepsake.Service.Tests.Jobs;

/// <summary>The scheduler against the simulated iPhone attached and detached through the fake usbmuxd, with a fake clock.</summary>
public sealed class SchedulerTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task DuePhone_Appears_IsBackedUpWithinSecondsThenRetentionCopyAndCheckRun()
    {
        var copyConfig = """{ "copy": { "to": "COPY" }, "checkEveryDays": 1, "checkReadDataSubset": "100%" }""";
        await using var setup = await SimulatedPhoneService.StartAsync(attached: false, before: (o, _) =>
        {
            var copy = Path.Combine(Path.GetDirectoryName(o.DataFolder)!, "offsite");
            Directory.CreateDirectory(Path.GetDirectoryName(o.ConfigPath)!);
            File.WriteAllText(o.ConfigPath!, copyConfig.Replace("COPY", copy.Replace("\\", "\\\\", StringComparison.Ordinal), StringComparison.Ordinal));
        });
        await setup.WaitForEventAsync(e => e.Kind == ServiceEventKinds.ServiceStarted, Wait);
        Assert.Equal(0, setup.Count(ServiceEventKinds.BackupStarted));

        var clock = Stopwatch.StartNew();
        await setup.Simulator.AttachAsync();
        var done = await setup.WaitForEventAsync(e => e.Kind is ServiceEventKinds.BackupSucceeded or ServiceEventKinds.BackupFailed, Wait);
        var took = clock.Elapsed;
        Assert.True(done.Kind == ServiceEventKinds.BackupSucceeded, setup.Describe());
        Assert.True(took < TimeSpan.FromSeconds(30), $"the backup finished {took.TotalSeconds:0.0} s after the phone appeared");

        // After the backup, in order: retention, copy, check.
        await setup.WaitForEventAsync(e => e.Kind is ServiceEventKinds.CheckPassed or ServiceEventKinds.Alert, Wait);
        var kinds = setup.Events.List(0, 2000).Select(e => e.Kind).Where(k => k is ServiceEventKinds.RetentionApplied or ServiceEventKinds.CopySucceeded or ServiceEventKinds.CheckPassed).ToList();
        Assert.Equal([ServiceEventKinds.RetentionApplied, ServiceEventKinds.CopySucceeded, ServiceEventKinds.CheckPassed], kinds);

        var record = setup.State.Get(setup.Simulator.Udid);
        Assert.True(record.LastAttemptSucceeded);
        Assert.NotNull(record.LastSnapshot);

        // restic itself reads every pack of both vaults.
        var env = new Dictionary<string, string> { ["RESTIC_PASSWORD"] = "vault-password" };
        foreach (var vault in new[] { ServiceFixture.VaultPath(setup.Service.Directory), setup.Service.Directory.Combine("offsite") })
        {
            ExternalTool.Run("restic", ["--no-cache", "--no-lock", "-r", vault, "check", "--read-data"], TimeSpan.FromMinutes(3), env).EnsureSuccess("restic check " + vault);
            var snapshots = ExternalTool.Run("restic", ["--no-cache", "--no-lock", "-r", vault, "snapshots", "--json"], TimeSpan.FromMinutes(1), env).EnsureSuccess("restic snapshots");
            using var json = JsonDocument.Parse(snapshots.StandardOutput);
            Assert.Equal(1, json.RootElement.GetArrayLength());
        }
    }

    [Fact]
    public async Task PhoneWithinItsInterval_IsNotBackedUp_UntilTheIntervalHasPassed()
    {
        await using var setup = await SimulatedPhoneService.StartAsync(attached: false, before: (o, simulator) =>
        {
            // Backed up an hour ago (on the service's clock); the default interval is 24 h.
            new PhoneStateStore(o.Paths.StateFile).Update(simulator.Udid, r => r with { LastSuccess = o.TimeProvider.GetUtcNow().AddHours(-1), LastAttemptSucceeded = true });
        });
        await setup.Simulator.AttachAsync();
        await setup.WaitForEventAsync(e => e.Kind == ServiceEventKinds.PhoneAttached, Wait);
        await Task.Delay(TimeSpan.FromSeconds(2));
        Assert.Equal(0, setup.Count(ServiceEventKinds.BackupStarted));

        // 22 h later it is still within its interval; 23 h later it is due.
        setup.Clock.Advance(TimeSpan.FromHours(22));
        await Task.Delay(TimeSpan.FromSeconds(1));
        Assert.Equal(0, setup.Count(ServiceEventKinds.BackupStarted));
        setup.Clock.Advance(TimeSpan.FromHours(1));
        var done = await setup.WaitForEventAsync(e => e.Kind is ServiceEventKinds.BackupSucceeded or ServiceEventKinds.BackupFailed, Wait);
        Assert.True(done.Kind == ServiceEventKinds.BackupSucceeded, setup.Describe());
    }

    [Fact]
    public async Task LockedPhone_NotifiesOnceAndRearms_ThenBacksUpAfterUnlock()
    {
        await using var webhook = await WebhookReceiver.StartAsync();
        var config = $$"""{ "lockedRetryMinutes": 30, "checkEveryDays": null, "alerts": { "webhook": { "url": "{{webhook.Url}}alerts", "priority": "high" }, "healthchecks": "{{webhook.Url}}ping" } }""";
        await using var setup = await SimulatedPhoneService.StartAsync(config, faults: new SimulatorFaults { PasscodeLocked = true });

        var failed = await setup.WaitForEventAsync(e => e.Kind == ServiceEventKinds.BackupFailed, Wait);
        Assert.Equal(ReasonNames.Of(BackupFailureReason.PhoneLocked), failed.Reason);
        var alert = await webhook.WaitForAsync(r => r.Path == "/alerts", Wait);
        Assert.Equal("POST", alert.Method);
        Assert.StartsWith("Unlock ", alert.Headers["Title"], StringComparison.Ordinal);
        Assert.Equal("high", alert.Headers["Priority"]);
        using (var body = JsonDocument.Parse(alert.Body))
        {
            Assert.Equal("backup-blocked", body.RootElement.GetProperty("kind").GetString());
            Assert.Equal("phone-locked", body.RootElement.GetProperty("reason").GetString());
            Assert.Contains("locked", body.RootElement.GetProperty("text").GetString(), StringComparison.Ordinal);
        }

        await webhook.WaitForAsync(r => r.Path == "/ping/fail", Wait);
        await setup.WaitForEventAsync(e => e.Kind == ServiceEventKinds.Notification, Wait);

        // No tight loop: while the clock stands still, nothing is tried again.
        await Task.Delay(TimeSpan.FromSeconds(2));
        Assert.Equal(1, setup.Count(ServiceEventKinds.BackupStarted));

        setup.Simulator.SetPasscodeLocked(false);
        setup.Clock.Advance(TimeSpan.FromMinutes(29));
        await Task.Delay(TimeSpan.FromSeconds(1));
        Assert.Equal(1, setup.Count(ServiceEventKinds.BackupStarted));
        setup.Clock.Advance(TimeSpan.FromMinutes(1));
        var done = await setup.WaitForEventAsync(e => e.Kind == ServiceEventKinds.BackupSucceeded, Wait);
        Assert.Equal(setup.Simulator.Udid, done.Udid);
        Assert.Equal(2, setup.Count(ServiceEventKinds.BackupStarted));
        await webhook.WaitForAsync(r => r.Path == "/ping" && r.Body.Contains("saved as snapshot", StringComparison.Ordinal), Wait);
        Assert.Contains(webhook.Requests, r => r.Path == "/ping/start");
        Assert.True(setup.State.Get(setup.Simulator.Udid).LastAttemptSucceeded);
    }

    [Fact]
    public async Task StalePhone_RaisesAnAlertNamingTheLastAttempt()
    {
        await using var webhook = await WebhookReceiver.StartAsync();
        var config = $$"""{ "alerts": { "staleAfterDays": 7, "webhook": "{{webhook.Url}}" } }""";
        DateTimeOffset lastAttempt = default;
        await using var setup = await SimulatedPhoneService.StartAsync(config, attached: false, before: (o, _) =>
        {
            var now = o.TimeProvider.GetUtcNow();
            lastAttempt = now.AddDays(-2);
            new PhoneStateStore(o.Paths.StateFile).Update("00008030-STALE", r => r with
            {
                DeviceName = "Ann's iPhone",
                LastSuccess = now.AddDays(-6),
                LastAttempt = lastAttempt,
                LastAttemptSucceeded = false,
                LastReason = BackupFailureReason.PhoneLocked,
                LastMessage = "the phone is locked",
            });
        });
        await setup.WaitForEventAsync(e => e.Kind == ServiceEventKinds.ServiceStarted, Wait);
        await Task.Delay(TimeSpan.FromSeconds(1));
        Assert.Empty(webhook.Requests);

        setup.Clock.Advance(TimeSpan.FromDays(1));
        var alert = await webhook.WaitForAsync(_ => true, Wait);
        Assert.Equal("No backup of Ann's iPhone for 7 days", alert.Headers["Title"].Replace('?', '\''));
        using var body = JsonDocument.Parse(alert.Body);
        Assert.Equal("stale-phone", body.RootElement.GetProperty("kind").GetString());
        Assert.Contains("No successful backup of Ann's iPhone for 7 days", body.RootElement.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Contains("the phone is locked", body.RootElement.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal(lastAttempt, DateTimeOffset.Parse(body.RootElement.GetProperty("lastAttempt").GetString()!, System.Globalization.CultureInfo.InvariantCulture));
        var recorded = await setup.WaitForEventAsync(e => e.Kind == ServiceEventKinds.Alert, Wait);
        Assert.Equal("stale-phone", recorded.Reason);

        // Once per stale period, not at every wake-up.
        setup.Clock.Advance(TimeSpan.FromHours(1));
        await Task.Delay(TimeSpan.FromSeconds(1));
        Assert.Single(webhook.Requests);
    }

    [Fact]
    public async Task PhoneDisconnectingMidBackup_FailsAsDisconnected_AndTheServiceGoesOn()
    {
        await using var setup = await SimulatedPhoneService.StartAsync(faults: new SimulatorFaults { DisconnectAfterBytes = 60_000 });
        var failed = await setup.WaitForEventAsync(e => e.Kind is ServiceEventKinds.BackupFailed or ServiceEventKinds.BackupSucceeded, Wait);
        Assert.Equal(ServiceEventKinds.BackupFailed, failed.Kind);
        Assert.Equal(ReasonNames.Of(BackupFailureReason.Disconnected), failed.Reason);
        using var response = await setup.Service.Client.SendAsync(setup.Service.Authorized(HttpMethod.Get, "api/v1/devices"));
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var device = json.RootElement.GetProperty("devices")[0];
        Assert.Equal("disconnected", device.GetProperty("lastReason").GetString());
        Assert.False(device.GetProperty("lastAttemptSucceeded").GetBoolean());
        using var snapshots = await setup.Service.Client.SendAsync(setup.Service.Authorized(HttpMethod.Get, "api/v1/snapshots"));
        using var snapshotsJson = JsonDocument.Parse(await snapshots.Content.ReadAsStringAsync());
        Assert.Equal(0, snapshotsJson.RootElement.GetProperty("snapshots").GetArrayLength());
    }

    [Fact]
    public async Task UsbmuxdGoneAndBack_WatcherReconnectsAndSeesThePhone()
    {
        await using var setup = await SimulatedPhoneService.StartAsync("""{ "defaults": { "enabled": false } }""");
        await setup.WaitForEventAsync(e => e.Kind == ServiceEventKinds.PhoneAttached, Wait);
        await setup.Simulator.StopAsync();
        await setup.WaitForEventAsync(e => e.Kind == ServiceEventKinds.UsbmuxdLost, Wait);

        await using var again = await SimulatorHost.StartAsync(new SimulatorOptions
        {
            ListenAddress = "UNIX:" + setup.Service.Directory.Combine("usbmuxd.sock"),
            PhoneFolder = setup.Service.Directory.Combine("phone"),
            StateFolder = setup.Service.Directory.Combine("simulator"),
        });
        await setup.WaitForEventAsync(e => e.Kind == ServiceEventKinds.UsbmuxdReachable, Wait);
        await setup.WaitForEventAsync(e => e.Kind == ServiceEventKinds.PhoneAttached && e.Id > 3, Wait);
        Assert.Equal(2, setup.Count(ServiceEventKinds.PhoneAttached));
    }
}
