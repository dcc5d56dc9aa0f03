using Keepsake.Service;
using Keepsake.Web.Data;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Keepsake.Web;

/// <summary>
/// The web app as a part of <c>keepsake serve</c>: its pages and downloads beside the JSON API, over the
/// service's vault session, behind the service's Host/Origin/CSRF guard and then the app's own session
/// guard. <c>keepsake ui</c> asks a running service for a login link at <see cref="LoginCodePath"/> with
/// the service's bearer token (from its owner-only token file), so the token never appears in a URL.
/// </summary>
public sealed class WebServeExtension : IServeExtension
{
    /// <summary>POST with the bearer token: a one-time login link for the browser.</summary>
    public const string LoginCodePath = "/web/login-link";

    public void ConfigureServices(IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddKeepsakeWeb(provider => new VaultCatalog(ct => provider.GetRequiredService<VaultSession>().GetAsync(ct)));
    }

    public void Map(WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapPost(LoginCodePath, (HttpContext context) =>
        {
            var request = context.Request;
            var link = KeepsakeWebApp.LoginLink(context.RequestServices, new Uri($"http://{request.Host.Value}/"));
            return Results.Json(new { url = link.AbsoluteUri });
        }).RequireAuthorization(ServiceApiOptions.Policy).DisableAntiforgery();
        app.UseKeepsakeWeb();
    }
}
