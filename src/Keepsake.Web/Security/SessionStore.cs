using System.Collections.Concurrent;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Http;

namespace Keepsake.Web.Security;

/// <summary>
/// The browser sessions of this process, in memory only (a restart logs every browser out and forgets
/// every backup password). A session idle for <see cref="IdleLimit"/> ends.
/// </summary>
public sealed class SessionStore
{
    /// <summary>The session cookie's name.</summary>
    public const string CookieName = "keepsake_session";

    public static readonly TimeSpan IdleLimit = TimeSpan.FromHours(12);

    private readonly ConcurrentDictionary<string, WebSession> _sessions = new(StringComparer.Ordinal);
    private readonly TimeProvider _time;

    public SessionStore(TimeProvider? time = null) => _time = time ?? TimeProvider.System;

    /// <summary>Starts a session and sets its cookie on <paramref name="response"/>.</summary>
    public WebSession Start(HttpResponse response)
    {
        ArgumentNullException.ThrowIfNull(response);
        var id = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        var session = new WebSession(id, _time.GetUtcNow());
        _sessions[id] = session;
        response.Cookies.Append(CookieName, id, new CookieOptions
        {
            HttpOnly = true,
            SameSite = SameSiteMode.Strict,
            Path = "/",
            IsEssential = true,
            Secure = false, // plain HTTP on loopback; the cookie never leaves the machine
        });
        return session;
    }

    /// <summary>The live session named by the request's cookie, or null.</summary>
    public WebSession? Find(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!request.Cookies.TryGetValue(CookieName, out var id) || string.IsNullOrEmpty(id) || id.Length > 128)
        {
            return null;
        }

        if (!_sessions.TryGetValue(id, out var session))
        {
            return null;
        }

        var now = _time.GetUtcNow();
        if (now - session.LastSeen > IdleLimit)
        {
            End(id);
            return null;
        }

        session.LastSeen = now;
        return session;
    }

    /// <summary>Ends the session of the request's cookie, if any, and (with <paramref name="clearCookie"/>) clears the cookie.</summary>
    public void End(HttpContext context, bool clearCookie = true)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.Request.Cookies.TryGetValue(CookieName, out var id) && id is not null)
        {
            End(id);
        }

        if (!clearCookie)
        {
            return;
        }

        context.Response.Cookies.Delete(CookieName, new CookieOptions { Path = "/", HttpOnly = true, SameSite = SameSiteMode.Strict });
    }

    private void End(string id)
    {
        if (_sessions.TryRemove(id, out var session))
        {
            session.Dispose();
        }
    }
}
