using System.Net;
using System.Text;
using System.Text.Json;
using Keepsake.Service.Events;

namespace Keepsake.Service.Tests.Api;

/// <summary>POST /api/v1/backups, the job's server-sent events, the event log and the config, against the simulated iPhone.</summary>
public sealed class BackupsApiTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task PostBackup_EventStream_ReportsProgressThenSuccess()
    {
        // The schedule is off, so only the API starts a backup.
        await using var setup = await SimulatedPhoneService.StartAsync("""{ "defaults": { "enabled": false }, "checkEveryDays": null }""");
        await setup.WaitForEventAsync(e => e.Kind == ServiceEventKinds.PhoneAttached, Wait);

        using var post = setup.Service.Authorized(HttpMethod.Post, "api/v1/backups");
        post.Content = new StringContent($$"""{"udid": "{{setup.Simulator.Udid}}"}""", Encoding.UTF8, "application/json");
        using var started = await setup.Service.Client.SendAsync(post);
        Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
        using var job = JsonDocument.Parse(await started.Content.ReadAsStringAsync());
        var id = job.RootElement.GetProperty("id").GetString()!;
        Assert.Equal(setup.Simulator.Udid, job.RootElement.GetProperty("udid").GetString());

        using var streamRequest = setup.Service.Authorized(HttpMethod.Get, $"api/v1/jobs/{id}/events");
        using var stream = await setup.Service.Client.SendAsync(streamRequest, HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, stream.StatusCode);
        Assert.Equal("text/event-stream", stream.Content.Headers.ContentType?.MediaType);
        var events = new List<(string Kind, JsonElement Data)>();
        using (var reader = new StreamReader(await stream.Content.ReadAsStreamAsync()))
        {
            string? kind = null;
            while (await reader.ReadLineAsync() is { } line)
            {
                if (line.StartsWith("event: ", StringComparison.Ordinal))
                {
                    kind = line[7..];
                }
                else if (line.StartsWith("data: ", StringComparison.Ordinal))
                {
                    using var data = JsonDocument.Parse(line[6..]);
                    events.Add((kind!, data.RootElement.Clone()));
                }
            }
        }

        Assert.Equal(ServiceEventKinds.BackupStarted, events[0].Kind);
        Assert.Equal(ServiceEventKinds.BackupSucceeded, events[^1].Kind);
        var progress = events.Where(e => e.Kind == ServiceEventKinds.BackupProgress).ToList();
        Assert.True(progress.Count >= 2, $"progress events: {progress.Count}");
        Assert.All(events, e => Assert.Equal(id, e.Data.GetProperty("jobId").GetString()));
        Assert.Contains(progress, p => p.Data.GetProperty("bytes").GetInt64() > 0);

        using var jobNow = await setup.Service.Client.SendAsync(setup.Service.Authorized(HttpMethod.Get, $"api/v1/jobs/{id}"));
        using var jobJson = JsonDocument.Parse(await jobNow.Content.ReadAsStringAsync());
        Assert.Equal("succeeded", jobJson.RootElement.GetProperty("state").GetString());

        using var log = await setup.Service.Client.SendAsync(setup.Service.Authorized(HttpMethod.Get, "api/v1/events"));
        using var logJson = JsonDocument.Parse(await log.Content.ReadAsStringAsync());
        var kinds = logJson.RootElement.GetProperty("events").EnumerateArray().Select(e => e.GetProperty("kind").GetString()).ToList();
        Assert.Contains(ServiceEventKinds.BackupSucceeded, kinds);
        Assert.DoesNotContain(ServiceEventKinds.BackupProgress, kinds);
    }

    [Fact]
    public async Task PostBackup_Twice_SecondIs409NamingTheRunningJob_AndUnknownPhoneIs409()
    {
        await using var setup = await SimulatedPhoneService.StartAsync("""{ "defaults": { "enabled": false }, "checkEveryDays": null }""",
            faults: new Device.Simulator.SimulatorFaults { BytesPerSecond = 100_000 });
        await setup.WaitForEventAsync(e => e.Kind == ServiceEventKinds.PhoneAttached, Wait);
        using var first = await setup.Service.Client.SendAsync(setup.Service.Authorized(HttpMethod.Post, "api/v1/backups"));
        Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);
        using var firstJson = JsonDocument.Parse(await first.Content.ReadAsStringAsync());
        using var second = await setup.Service.Client.SendAsync(setup.Service.Authorized(HttpMethod.Post, "api/v1/backups"));
        Assert.Equal(HttpStatusCode.Conflict, second.StatusCode);
        Assert.Contains(firstJson.RootElement.GetProperty("id").GetString()!, await second.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        using var other = setup.Service.Authorized(HttpMethod.Post, "api/v1/backups");
        other.Content = new StringContent("""{"udid": "00008030-NOTHERE"}""", Encoding.UTF8, "application/json");
        using var otherResponse = await setup.Service.Client.SendAsync(other);
        Assert.Equal(HttpStatusCode.Conflict, otherResponse.StatusCode);
        Assert.Contains("00008030-NOTHERE is not attached", await otherResponse.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Config_GetShowsDefaults_PutValidatesNamingTheFieldAndApplies()
    {
        await using var service = await ServiceFixture.StartAsync();
        using var get = await service.Client.SendAsync(service.Authorized(HttpMethod.Get, "api/v1/config"));
        using (var json = JsonDocument.Parse(await get.Content.ReadAsStringAsync()))
        {
            var defaults = json.RootElement.GetProperty("defaults");
            Assert.Equal(24, defaults.GetProperty("everyHours").GetDouble());
            Assert.Equal(7, defaults.GetProperty("retention").GetProperty("daily").GetInt32());
            Assert.Equal(-1, defaults.GetProperty("retention").GetProperty("yearly").GetInt32());
        }

        using var bad = service.Authorized(HttpMethod.Put, "api/v1/config");
        bad.Content = new StringContent("""{ "phones": { "00008030-ABC": { "everyHours": 0 } } }""", Encoding.UTF8, "application/json");
        using var badResponse = await service.Client.SendAsync(bad);
        Assert.Equal(HttpStatusCode.BadRequest, badResponse.StatusCode);
        using (var problem = JsonDocument.Parse(await badResponse.Content.ReadAsStringAsync()))
        {
            Assert.Equal("phones.00008030-ABC.everyHours", problem.RootElement.GetProperty("field").GetString());
        }

        Assert.False(File.Exists(service.Options.ConfigPath));
        using var good = service.Authorized(HttpMethod.Put, "api/v1/config");
        good.Content = new StringContent("""{ "phones": { "00008030-ABC": { "everyHours": 6 } } }""", Encoding.UTF8, "application/json");
        using var goodResponse = await service.Client.SendAsync(good);
        Assert.Equal(HttpStatusCode.OK, goodResponse.StatusCode);
        Assert.Contains("\"everyHours\": 6", await File.ReadAllTextAsync(service.Options.ConfigPath!), StringComparison.Ordinal);
    }

    [Fact]
    public async Task StateChangingApiCalls_WithoutToken_Are401Or403()
    {
        await using var service = await ServiceFixture.StartAsync();
        using var put = new HttpRequestMessage(HttpMethod.Put, "api/v1/config") { Content = new StringContent("{}") };
        using var putResponse = await service.Client.SendAsync(put);
        Assert.Equal(HttpStatusCode.Forbidden, putResponse.StatusCode);
        using var events = await service.Client.GetAsync("api/v1/events");
        Assert.Equal(HttpStatusCode.Unauthorized, events.StatusCode);
    }
}
