using Keepsake.Web.Components;
using Keepsake.Web.Data;
using Keepsake.Web.Endpoints;
using Keepsake.Web.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Keepsake.Web;

/// <summary>
/// Plugs the web app into an ASP.NET Core host: <c>AddKeepsakeWeb</c> registers its services,
/// <see cref="UseKeepsakeWeb"/> adds the request guard (loopback Host, same Origin, session cookie) and
/// maps the pages and downloads. The host decides where it listens (loopback only) and opens the vault.
/// </summary>
public static class KeepsakeWebApp
{
    /// <summary>Registers the app's services over the already opened vault <paramref name="repository"/>.</summary>
    public static IServiceCollection AddKeepsakeWeb(this IServiceCollection services, Repository.Repository repository)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(repository);
        return services.AddKeepsakeWeb(_ => new VaultCatalog(repository));
    }

    /// <summary>Registers the app's services; <paramref name="catalog"/> makes the vault catalog from the host's services.</summary>
    public static IServiceCollection AddKeepsakeWeb(this IServiceCollection services, Func<IServiceProvider, VaultCatalog> catalog)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddSingleton<LoginCodes>();
        services.AddSingleton<SessionStore>();
        services.AddSingleton(catalog);
        services.AddSingleton<ThumbnailCache>();
        services.AddRazorComponents();
        services.AddAntiforgery();
        return services;
    }

    /// <summary>Adds the guard and maps every page and endpoint of the app.</summary>
    public static WebApplication UseKeepsakeWeb(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.UseMiddleware<RequestGuard>();
        app.UseAntiforgery();
        WebEndpoints.Map(app);
        app.MapRazorComponents<App>();
        return app;
    }

    /// <summary>A one-time login link for the app served at <paramref name="baseAddress"/> (valid once, about a minute).</summary>
    public static Uri LoginLink(IServiceProvider services, Uri baseAddress)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(baseAddress);
        var code = services.GetRequiredService<LoginCodes>().Issue();
        return new Uri(baseAddress, "/login?code=" + Uri.EscapeDataString(code));
    }
}
