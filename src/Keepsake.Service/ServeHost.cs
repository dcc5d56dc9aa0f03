using System.Net;
using Keepsake.Device.Usbmux;
using Keepsake.Service.Alerts;
using Keepsake.Service.Api;
using Keepsake.Service.Configuration;
using Keepsake.Service.Events;
using Keepsake.Service.Jobs;
using Keepsake.Service.Maintenance;
using Keepsake.Service.Phones;
using Keepsake.Service.Runtime;
using Keepsake.Service.Security;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Keepsake.Service;

/// <summary>
/// Builds and runs <c>keepsake serve</c>: Kestrel on a loopback address, the request guard (Host, Origin,
/// CSRF), the bearer-token scheme, the JSON API under <c>/api/v1</c>, then each <see cref="IServeExtension"/>.
/// On start it writes a new token (owner-only) and the runtime file; on stop it removes the runtime file.
/// </summary>
public static class ServeHost
{
    /// <summary>Builds the host; nothing listens until it is started.</summary>
    public static WebApplication Build(ServeOptions options, IEnumerable<IServeExtension>? extensions = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!IPAddress.IsLoopback(options.Listen.Address))
        {
            throw new ServeConfigurationException("--listen", $"{options.Listen.Address} is not a loopback address: the service listens only on this computer.");
        }

        var extensionList = extensions?.ToList() ?? [];
        var paths = options.Paths;
        paths.EnsureFolder();
        var token = ServiceToken.CreateAndWrite(paths.TokenFile);

        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            ApplicationName = "Keepsake.Service",
            ContentRootPath = AppContext.BaseDirectory,
            Args = [],
        });
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Listen(options.Listen);
        });

        builder.Logging.AddFilter("Microsoft", LogLevel.Warning);
        var services = builder.Services;
        // Antiforgery tokens are protected with keys kept beside the token, not in the user's profile.
        services.AddDataProtection().PersistKeysToFileSystem(new DirectoryInfo(Path.Combine(paths.Folder, "keys"))).SetApplicationName("keepsake-service");
        services.AddSingleton(options);
        services.AddSingleton(options.TimeProvider);
        services.AddSingleton(token);
        services.AddSingleton(new VaultSession(options.Vault));
        var configStore = new ConfigStore(options.ConfigPath);
        services.AddSingleton(configStore);
        services.AddSingleton(new PhoneStateStore(paths.StateFile));
        services.AddSingleton(new EventLog(paths.EventLog, options.TimeProvider));
        services.AddSingleton(new MaintenanceState(paths.MaintenanceFile));
        services.AddSingleton(new UsbmuxClient(options.UsbmuxEndPoint));
        services.AddSingleton<PhoneRegistry>();
        services.AddSingleton<JobRegistry>();
        services.AddSingleton<DesktopNotifier>();
        services.AddSingleton<AlertService>();
        services.AddSingleton<AfterBackup>();
        services.AddSingleton<BackupRunner>();
        services.AddHostedService<UsbmuxWatcher>();
        services.AddHostedService<Scheduler>();
        services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(30));
        services.AddSingleton(sp => new PhoneStatusReport(sp.GetRequiredService<PhoneRegistry>(), sp.GetRequiredService<PhoneStateStore>(), record =>
            configStore.Current.For(record.Udid) is { Enabled: true } schedule
                ? Scheduler.NextDue(record, schedule, options.TimeProvider.GetUtcNow(), options.TimeProvider.LocalTimeZone)
                : null));
        services.AddAntiforgery(o => o.HeaderName = RequestGuard.CsrfHeader);
        services.AddAuthentication(BearerTokenDefaults.Scheme)
            .AddScheme<AuthenticationSchemeOptions, BearerTokenHandler>(BearerTokenDefaults.Scheme, null);
        services.AddAuthorization();
        services.AddOptions<ServiceApiOptions>();
        services.AddOptions<AuthorizationOptions>().Configure<IOptions<ServiceApiOptions>>((authorization, api) =>
            authorization.AddPolicy(ServiceApiOptions.Policy, policy => policy
                .AddAuthenticationSchemes([.. api.Value.AuthenticationSchemes])
                .RequireAuthenticatedUser()));

        foreach (var extension in extensionList)
        {
            extension.ConfigureServices(services);
        }

        var app = builder.Build();
        app.UseMiddleware<RequestGuard>();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseMiddleware<ApiErrorMiddleware>();
        var api = app.MapGroup("/api/v1").RequireAuthorization(ServiceApiOptions.Policy);
        api.MapGet("/devices", (RequestDelegate)(context => DevicesEndpoint.HandleAsync(context, context.RequestServices.GetRequiredService<PhoneStatusReport>())));
        api.MapGet("/snapshots", (RequestDelegate)(context => SnapshotsEndpoint.HandleAsync(context, context.RequestServices.GetRequiredService<VaultSession>())));
        api.MapPost("/backups", (RequestDelegate)(context => BackupsEndpoint.StartAsync(context, Get<BackupRunner>(context), Get<PhoneRegistry>(context), Get<JobRegistry>(context))));
        api.MapGet("/jobs/{id}", (RequestDelegate)(context => BackupsEndpoint.GetAsync(context, Get<JobRegistry>(context))));
        api.MapGet("/jobs/{id}/events", (RequestDelegate)(context => EventsEndpoint.StreamJobAsync(context, Get<EventLog>(context), Get<JobRegistry>(context))));
        api.MapGet("/events", (RequestDelegate)(context => EventsEndpoint.ListAsync(context, Get<EventLog>(context))));
        api.MapGet("/config", (RequestDelegate)(context => ConfigEndpoint.GetAsync(context, Get<ConfigStore>(context))));
        api.MapPut("/config", (RequestDelegate)(context => ConfigEndpoint.PutAsync(context, Get<ConfigStore>(context))));
        foreach (var extension in extensionList)
        {
            extension.Map(app);
        }

        var lifetime = app.Services.GetRequiredService<IHostApplicationLifetime>();
        lifetime.ApplicationStarted.Register(() =>
        {
            var address = ListeningAddress(app);
            new RuntimeFile(RuntimeFile.AddressOf(address), Environment.ProcessId, paths.TokenFile, options.TimeProvider.GetUtcNow()).Write(paths.RuntimeFile);
        });
        lifetime.ApplicationStopped.Register(() =>
        {
            if (RuntimeFile.TryRead(paths.RuntimeFile) is { } runtime && runtime.ProcessId == Environment.ProcessId)
            {
                File.Delete(paths.RuntimeFile);
            }

            app.Services.GetRequiredService<VaultSession>().Dispose();
        });
        return app;
    }

    private static T Get<T>(HttpContext context)
        where T : notnull => context.RequestServices.GetRequiredService<T>();

    /// <summary>The address the API really listens on (the port chosen when 0 was asked).</summary>
    public static IPEndPoint ListeningAddress(WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault()
            ?? throw new InvalidOperationException("the service is not listening yet.");
        var uri = new Uri(address);
        return new IPEndPoint(IPAddress.Parse(uri.Host.Trim('[', ']')), uri.Port);
    }
}
