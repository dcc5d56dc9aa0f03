using System.Net;
using System.Text.Json;
using Keepsake.Service.Runtime;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Keepsake.Service.Tests.Security;

/// <summary>The API's safety rules against a real host on 127.0.0.1: token, Host, Origin, CSRF, token file, runtime file.</summary>
public sealed class RequestGuardTests
{
    [Fact]
    public async Task Get_NoToken_Is401WithBearerChallenge()
    {
        await using var service = await ServiceFixture.StartAsync();
        using var response = await service.Client.GetAsync("api/v1/devices");
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains("Bearer", response.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Get_WrongToken_Is401()
    {
        await using var service = await ServiceFixture.StartAsync();
        using var request = new HttpRequestMessage(HttpMethod.Get, "api/v1/snapshots");
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", service.Token[..^1] + (service.Token[^1] == 'A' ? 'B' : 'A'));
        using var response = await service.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Get_WithToken_ListsDevicesAndSnapshots()
    {
        await using var service = await ServiceFixture.StartAsync();
        using var devices = await service.Client.SendAsync(service.Authorized(HttpMethod.Get, "api/v1/devices"));
        Assert.Equal(HttpStatusCode.OK, devices.StatusCode);
        using var devicesJson = JsonDocument.Parse(await devices.Content.ReadAsStringAsync());
        Assert.Equal(JsonValueKind.Array, devicesJson.RootElement.GetProperty("devices").ValueKind);

        using var snapshots = await service.Client.SendAsync(service.Authorized(HttpMethod.Get, "api/v1/snapshots"));
        Assert.Equal(HttpStatusCode.OK, snapshots.StatusCode);
        using var snapshotsJson = JsonDocument.Parse(await snapshots.Content.ReadAsStringAsync());
        Assert.Equal(0, snapshotsJson.RootElement.GetProperty("snapshots").GetArrayLength());
        Assert.Equal(ServiceFixture.VaultPath(service.Directory), snapshotsJson.RootElement.GetProperty("vault").GetString());
    }

    [Theory]
    [InlineData("attacker.example")]
    [InlineData("attacker.example:{port}")]
    [InlineData("127.0.0.1:1")]
    public async Task Get_ForeignHost_IsRefusedEvenWithToken(string host)
    {
        await using var service = await ServiceFixture.StartAsync();
        using var request = service.Authorized(HttpMethod.Get, "api/v1/devices");
        request.Headers.Host = host.Replace("{port}", service.Address.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
        using var response = await service.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.MisdirectedRequest, response.StatusCode);
        Assert.Contains("Host", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Get_LocalhostHost_IsAccepted()
    {
        await using var service = await ServiceFixture.StartAsync();
        using var request = service.Authorized(HttpMethod.Get, "api/v1/devices");
        request.Headers.Host = $"localhost:{service.Address.Port}";
        using var response = await service.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Theory]
    [InlineData("http://attacker.example")]
    [InlineData("http://127.0.0.1:1")]
    [InlineData("null")]
    [InlineData("https://127.0.0.1:{port}")]
    public async Task Request_ForeignOrigin_IsRefusedEvenWithToken(string origin)
    {
        await using var service = await ServiceFixture.StartAsync();
        using var request = service.Authorized(HttpMethod.Get, "api/v1/devices");
        request.Headers.Add("Origin", origin.Replace("{port}", service.Address.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal));
        using var response = await service.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Contains("origin", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Request_OwnOrigin_IsAccepted()
    {
        await using var service = await ServiceFixture.StartAsync();
        using var request = service.Authorized(HttpMethod.Get, "api/v1/devices");
        request.Headers.Add("Origin", $"http://127.0.0.1:{service.Address.Port}");
        using var response = await service.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Post_WithoutBearerOrCsrfToken_IsRefusedBeforeAnyEndpoint()
    {
        // The extension's endpoint needs no sign-in (as a page behind a cookie, once signed in), so only the CSRF rule stands in the way.
        await using var service = await ServiceFixture.StartAsync(extensions: [new EchoExtension()]);
        using var response = await service.Client.PostAsync("echo", new StringContent("{}"));
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Contains("X-CSRF-TOKEN", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        using var get = await service.Client.GetAsync("echo");
        Assert.Equal(HttpStatusCode.OK, get.StatusCode);
        Assert.Equal("echo", await get.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Post_CrossSiteFetch_IsRefusedEvenWithToken()
    {
        await using var service = await ServiceFixture.StartAsync(extensions: [new EchoExtension()]);
        using var request = service.Authorized(HttpMethod.Post, "echo");
        request.Headers.Add("Sec-Fetch-Site", "cross-site");
        using var response = await service.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        using var allowed = service.Authorized(HttpMethod.Post, "echo");
        using var allowedResponse = await service.Client.SendAsync(allowed);
        Assert.Equal(HttpStatusCode.OK, allowedResponse.StatusCode);
    }

    [Fact]
    public async Task Start_WritesOwnerOnlyTokenAndRuntimeFile_RemovedAtStop()
    {
        var service = await ServiceFixture.StartAsync();
        var paths = service.Options.Paths;
        try
        {
            if (!OperatingSystem.IsWindows())
            {
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(paths.TokenFile));
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(paths.Folder));
            }

            Assert.True(service.Token.Length >= 40, "the token has at least 32 random bytes");
            var runtime = RuntimeFile.TryRead(paths.RuntimeFile);
            Assert.NotNull(runtime);
            Assert.Equal(new Uri($"http://{service.Address}/"), runtime.Address);
            Assert.Equal(Environment.ProcessId, runtime.ProcessId);
            Assert.Equal(paths.TokenFile, runtime.TokenFile);
            Assert.DoesNotContain(service.Token, await File.ReadAllTextAsync(paths.RuntimeFile), StringComparison.Ordinal);
        }
        finally
        {
            await service.DisposeAsync();
        }

        Assert.False(File.Exists(paths.RuntimeFile));
    }

    /// <summary>An extension that maps <c>/echo</c> open to everyone, as a page behind a cookie would be once signed in.</summary>
    private sealed class EchoExtension : IServeExtension
    {
        public void ConfigureServices(IServiceCollection services)
        {
        }

        public void Map(WebApplication app)
        {
            app.MapGet("/echo", (RequestDelegate)(context => context.Response.WriteAsync("echo")));
            app.MapPost("/echo", (RequestDelegate)(context => context.Response.WriteAsync("posted")));
        }
    }
}
