using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace Keepsake.Service;

/// <summary>
/// Adds services, authentication schemes and endpoints to <c>keepsake serve</c> without editing the
/// service: the command line composes every extension it is given. Extensions run after the
/// service's own registrations, so they can add a scheme beside <see cref="Security.BearerTokenDefaults.Scheme"/>
/// (and add it to <see cref="ServiceApiOptions.AuthenticationSchemes"/> so that it also opens the JSON API).
/// </summary>
public interface IServeExtension
{
    /// <summary>
    /// Registers the extension's services. Called once, after the service's own registrations and
    /// before the host is built. Authentication schemes added here with
    /// <c>services.AddAuthentication().AddCookie(...)</c> sit beside the bearer scheme.
    /// </summary>
    void ConfigureServices(IServiceCollection services);

    /// <summary>
    /// Maps the extension's endpoints. Called once, after the host-and-origin check, authentication,
    /// authorization and CSRF middleware are in place and after the JSON API under <c>/api/v1</c> is mapped;
    /// paths under <c>/api/</c> belong to the service.
    /// </summary>
    void Map(WebApplication app);
}
