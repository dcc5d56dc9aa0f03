using Keepsake.Service.Api;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Http;

namespace Keepsake.Service.Security;

/// <summary>
/// The first middleware of every request, API and web pages alike:
/// <list type="number">
/// <item>the <c>Host</c> header must name the loopback address the service listens on (127.0.0.1, [::1] or
/// localhost with the listening port), which defeats DNS rebinding: a page from another site that rebinds
/// its name to 127.0.0.1 still sends its own name as Host (421 otherwise);</item>
/// <item>an <c>Origin</c> header, when present, must be the service's own origin (403 otherwise);</item>
/// <item>a state-changing call (POST, PUT, PATCH, DELETE) that does not carry a bearer token — so is
/// authenticated by an ambient credential such as a cookie — must carry a valid antiforgery token
/// (header <see cref="CsrfHeader"/>), and one from a cross-site fetch (<c>Sec-Fetch-Site: cross-site</c>) is refused (403).</item>
/// </list>
/// </summary>
public sealed class RequestGuard(RequestDelegate next)
{
    /// <summary>The header that carries the antiforgery token on state-changing calls without a bearer token.</summary>
    public const string CsrfHeader = "X-CSRF-TOKEN";

    public async Task InvokeAsync(HttpContext context, IAntiforgery antiforgery)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(antiforgery);
        var port = context.Connection.LocalPort;
        var host = context.Request.Host;
        if (!host.HasValue || !IsOwnAuthority(host.Host, host.Port ?? 80, port))
        {
            await Problem.WriteAsync(context, StatusCodes.Status421MisdirectedRequest, "Host refused",
                $"the Host header '{host.Value}' is not this service's address (127.0.0.1:{port}, localhost:{port} or [::1]:{port}); requests through another name are refused.").ConfigureAwait(false);
            return;
        }

        var origin = context.Request.Headers.Origin.ToString();
        if (origin.Length > 0 && !IsOwnOrigin(origin, port))
        {
            await Problem.WriteAsync(context, StatusCodes.Status403Forbidden, "Origin refused",
                $"requests from the origin '{origin}' are refused: only pages served by this service (http://127.0.0.1:{port}) may call it.").ConfigureAwait(false);
            return;
        }

        if (IsStateChanging(context.Request.Method))
        {
            if (string.Equals(context.Request.Headers["Sec-Fetch-Site"].ToString(), "cross-site", StringComparison.OrdinalIgnoreCase))
            {
                await Problem.WriteAsync(context, StatusCodes.Status403Forbidden, "Cross-site request refused",
                    "a state-changing call from another site is refused.").ConfigureAwait(false);
                return;
            }

            if (!BearerTokenHandler.HasBearer(context.Request) && !await antiforgery.IsRequestValidAsync(context).ConfigureAwait(false))
            {
                await Problem.WriteAsync(context, StatusCodes.Status403Forbidden, "CSRF token missing or wrong",
                    $"a {context.Request.Method} without a bearer token needs the antiforgery token in the {CsrfHeader} header.").ConfigureAwait(false);
                return;
            }
        }

        await next(context).ConfigureAwait(false);
    }

    /// <summary>Whether <paramref name="method"/> may change state (everything but GET, HEAD, OPTIONS and TRACE).</summary>
    public static bool IsStateChanging(string method) =>
        !(HttpMethods.IsGet(method) || HttpMethods.IsHead(method) || HttpMethods.IsOptions(method) || HttpMethods.IsTrace(method));

    private static bool IsOwnAuthority(string host, int hostPort, int listeningPort) =>
        hostPort == listeningPort
        && (host is "127.0.0.1" or "[::1]" || string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase));

    private static bool IsOwnOrigin(string origin, int port)
    {
        if (!Uri.TryCreate(origin, UriKind.Absolute, out var uri) || uri.Scheme != Uri.UriSchemeHttp || uri.AbsolutePath != "/")
        {
            return false;
        }

        var host = uri.HostNameType == UriHostNameType.IPv6 ? "[" + uri.IdnHost.Trim('[', ']') + "]" : uri.Host;
        return IsOwnAuthority(host, uri.Port, port);
    }
}
