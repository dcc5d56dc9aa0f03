using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;

namespace Keepsake.Web.Security;

/// <summary>
/// One-time login codes: <c>keepsake ui</c> asks for one and prints (or opens) a link carrying it; the
/// login page exchanges it for a session cookie. A code is good once, for <see cref="Lifetime"/>; only its
/// SHA-256 is kept, so a memory dump of a later moment does not hold live codes. The API token never
/// travels in a URL: the code is not the token and grants only a browser session.
/// </summary>
public sealed class LoginCodes
{
    /// <summary>How long a code can be exchanged after it was issued.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(60);

    private readonly ConcurrentDictionary<string, DateTimeOffset> _issued = new(StringComparer.Ordinal);
    private readonly TimeProvider _time;

    public LoginCodes(TimeProvider? time = null) => _time = time ?? TimeProvider.System;

    /// <summary>A new code (32 random bytes, base64url), valid once for <see cref="Lifetime"/>.</summary>
    public string Issue()
    {
        Sweep();
        var code = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        _issued[Hash(code)] = _time.GetUtcNow() + Lifetime;
        return code;
    }

    /// <summary>Whether <paramref name="code"/> was issued, is unexpired and unused; it is used up either way.</summary>
    public bool TryRedeem(string? code)
    {
        if (string.IsNullOrEmpty(code) || code.Length > 128)
        {
            return false;
        }

        return _issued.TryRemove(Hash(code), out var expires) && _time.GetUtcNow() <= expires;
    }

    private void Sweep()
    {
        var now = _time.GetUtcNow();
        foreach (var (key, expires) in _issued)
        {
            if (expires < now)
            {
                _issued.TryRemove(key, out _);
            }
        }
    }

    private static string Hash(string code) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(code)));
}
