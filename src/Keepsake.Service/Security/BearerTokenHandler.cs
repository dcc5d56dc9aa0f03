using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Keepsake.Service.Security;

/// <summary>
/// <c>Authorization: Bearer &lt;token&gt;</c> against the service's token. No header: no result (another scheme,
/// such as the web app's cookie, may still authenticate). A wrong token: failure. The challenge is a 401
/// with <c>WWW-Authenticate: Bearer</c>.
/// </summary>
public sealed class BearerTokenHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    ServiceToken token)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    /// <summary>The name of the one claim the scheme gives: who the caller is ("api-client").</summary>
    public const string ClientName = "api-client";

    /// <summary>Whether the request carries a bearer credential at all (used by the CSRF check: such a request is not ambient).</summary>
    public static bool HasBearer(Microsoft.AspNetCore.Http.HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var header = request.Headers.Authorization.ToString();
        return header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase);
    }

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var header = Request.Headers.Authorization.ToString();
        if (header.Length == 0)
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }

        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }

        if (!token.Matches(header.AsSpan(7).Trim()))
        {
            return Task.FromResult(AuthenticateResult.Fail("the bearer token is not the service's token"));
        }

        var identity = new ClaimsIdentity([new Claim(ClaimTypes.Name, ClientName)], Scheme.Name);
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), Scheme.Name)));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = 401;
        Response.Headers.WWWAuthenticate = "Bearer realm=\"keepsake\"";
        return Task.CompletedTask;
    }
}
