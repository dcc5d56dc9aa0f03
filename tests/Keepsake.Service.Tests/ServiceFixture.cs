using System.Net;
using System.Net.Sockets;
using System.Net.Http.Headers;
using Keepsake.Primitives;
using Keepsake.Repository;
using Keepsake.Repository.Backends.Local;
using Keepsake.Repository.Crypto;
using Keepsake.Service.Security;
using Keepsake.TestKit;
using Microsoft.AspNetCore.Builder;

namespace Keepsake.Service.Tests;

/// <summary>A real <c>keepsake serve</c> host on 127.0.0.1 (a free port) over a fresh local vault.</summary>
internal sealed class ServiceFixture : IAsyncDisposable
{
    private ServiceFixture(TempDirectory dir, WebApplication app, ServeOptions options)
    {
        Directory = dir;
        App = app;
        Options = options;
        Address = ServeHost.ListeningAddress(app);
        Token = ServiceToken.Read(options.Paths.TokenFile);
        Client = new HttpClient { BaseAddress = new Uri($"http://{Address}/") };
    }

    public TempDirectory Directory { get; }

    public WebApplication App { get; }

    public ServeOptions Options { get; }

    public IPEndPoint Address { get; }

    public string Token { get; }

    public HttpClient Client { get; }

    public static string VaultPath(TempDirectory dir) => dir.Combine("vault");

    /// <summary>Opens (or creates) the test vault with fast key derivation.</summary>
    public static async Task<Repository.Repository> OpenVaultAsync(string path, CancellationToken cancellationToken)
    {
        using var password = Secret.FromString("vault-password");
        var options = new RepositoryOptions { KdfParameters = KdfParameters.Fast, Hostname = "test-host" };
        return File.Exists(Path.Combine(path, "config"))
            ? await Repository.Repository.OpenAsync(new LocalBackend(path), password, options, cancellationToken)
            : await Repository.Repository.InitAsync(new LocalBackend(EnsureFolder(path)), password, options, cancellationToken);
    }

    public static async Task<ServiceFixture> StartAsync(Func<TempDirectory, ServeOptions, ServeOptions>? configure = null, IEnumerable<IServeExtension>? extensions = null)
    {
        var dir = new TempDirectory("keepsake-service");
        var options = new ServeOptions
        {
            DataFolder = dir.Combine("data"),
            Listen = new IPEndPoint(IPAddress.Loopback, 0),
            Vault = new VaultConnection(VaultPath(dir), ct => OpenVaultAsync(VaultPath(dir), ct)),
            ConfigPath = dir.Combine("config", "keepsake", "config.json"),
            UsbmuxEndPoint = new UnixDomainSocketEndPoint(dir.Combine("usbmuxd.sock")),
        };
        options = configure?.Invoke(dir, options) ?? options;
        var app = ServeHost.Build(options, extensions);
        await app.StartAsync();
        return new ServiceFixture(dir, app, options);
    }

    /// <summary>A request with the service's bearer token.</summary>
    public HttpRequestMessage Authorized(HttpMethod method, string path)
    {
        var request = new HttpRequestMessage(method, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Token);
        return request;
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await App.StopAsync();
        await App.DisposeAsync();
        Directory.Dispose();
    }

    private static string EnsureFolder(string path)
    {
        System.IO.Directory.CreateDirectory(path);
        return path;
    }
}
