using Microsoft.AspNetCore.Http;

namespace Keepsake.Web.Security;

/// <summary>
/// The checks every request passes before it reaches a page: the Host header must name this loopback
/// listener (a DNS-rebinding page's Host is its own name); a state-changing request must come with this
/// origin's Origin header (cross-site forms and scripts are refused); and, except for the login page and
/// the static assets, the request must carry a live session cookie. Every response forbids framing,
/// caching of data and sending the URL on as a referrer.
/// </summary>
public sealed class RequestGuard(RequestDelegate next, SessionStore sessions)
{
    /// <summary>Paths that need no session: the login exchange and the app's own CSS, script and icon.</summary>
    private static readonly string[] PublicPrefixes = ["/login", "/assets/"];

    public async Task InvokeAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var headers = context.Response.Headers;
        headers["X-Content-Type-Options"] = "nosniff";
        headers["Referrer-Policy"] = "same-origin";
        headers["X-Frame-Options"] = "DENY";
        headers["Content-Security-Policy"] = "default-src 'self'; img-src 'self' data: blob:; media-src 'self' blob:; object-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

        if (!IsLoopbackHost(context))
        {
            await RefuseAsync(context, StatusCodes.Status421MisdirectedRequest, "This address is not Keepsake's: open the link that 'keepsake ui' prints.");
            return;
        }

        var path = context.Request.Path.Value ?? "/";
        if (path.StartsWith("/api/", StringComparison.Ordinal) || path == WebServeExtension.LoginCodePath)
        {
            // The service's own API and the bearer-token endpoint: the service's guard and authorization decide.
            await next(context);
            return;
        }

        if (!HttpMethods.IsGet(context.Request.Method) && !HttpMethods.IsHead(context.Request.Method) && !IsSameOrigin(context))
        {
            await RefuseAsync(context, StatusCodes.Status403Forbidden, "Refused: this request did not come from Keepsake's own pages.");
            return;
        }

        if (PublicPrefixes.Any(p => path.StartsWith(p, StringComparison.Ordinal)))
        {
            await next(context);
            return;
        }

        var session = sessions.Find(context.Request);
        if (session is null)
        {
            await RefuseAsync(context, StatusCodes.Status401Unauthorized, "Not signed in. Run 'keepsake ui' and open the link it prints (a link works once, for a minute).");
            return;
        }

        context.Items[typeof(WebSession)] = session;
        headers.CacheControl = "no-cache, no-store";
        headers.Pragma = "no-cache";
        await next(context);
    }

    /// <summary>Whether the Host header names a loopback address and the port this request came in on.</summary>
    public static bool IsLoopbackHost(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var host = context.Request.Host;
        if (!host.HasValue)
        {
            return false;
        }

        var port = host.Port ?? 80;
        if (port != context.Connection.LocalPort && context.Connection.LocalPort != 0)
        {
            return false;
        }

        return host.Host is "127.0.0.1" or "localhost" or "[::1]" or "::1";
    }

    /// <summary>Whether the request's Origin (or, lacking one, Sec-Fetch-Site) says it came from this very origin.</summary>
    public static bool IsSameOrigin(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var origin = context.Request.Headers.Origin.ToString();
        if (origin.Length == 0 || origin == "null")
        {
            return context.Request.Headers["Sec-Fetch-Site"].ToString() == "same-origin";
        }

        return Uri.TryCreate(origin, UriKind.Absolute, out var uri)
            && uri.Scheme == "http"
            && string.Equals(uri.Authority, context.Request.Host.Value, StringComparison.OrdinalIgnoreCase);
    }

    private static async Task RefuseAsync(HttpContext context, int status, string message)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "text/plain; charset=utf-8";
        await context.Response.WriteAsync(message + "\n");
    }
}
