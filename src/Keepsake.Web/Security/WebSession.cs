using System.Collections.Concurrent;
using Keepsake.Primitives;

namespace Keepsake.Web.Security;

/// <summary>
/// One browser's session: created when a login code is exchanged, known to the browser only by an
/// HttpOnly, SameSite=Strict cookie. It holds the backup passwords typed in this session (per phone),
/// in memory only, disposed when the session ends.
/// </summary>
public sealed class WebSession : IDisposable
{
    private readonly ConcurrentDictionary<string, Secret> _backupPasswords = new(StringComparer.Ordinal);

    internal WebSession(string id, DateTimeOffset created)
    {
        Id = id;
        Created = created;
        LastSeen = created;
    }

    /// <summary>The cookie's value (random, 256 bits).</summary>
    internal string Id { get; }

    public DateTimeOffset Created { get; }

    public DateTimeOffset LastSeen { get; internal set; }

    /// <summary>The backup password given for the phone <paramref name="udid"/> in this session, or null.</summary>
    public Secret? BackupPassword(string udid) => _backupPasswords.GetValueOrDefault(udid);

    /// <summary>Keeps <paramref name="password"/> (owned from now on) for the phone <paramref name="udid"/>.</summary>
    public void SetBackupPassword(string udid, Secret password)
    {
        ArgumentNullException.ThrowIfNull(password);
        if (_backupPasswords.TryRemove(udid, out var old))
        {
            old.Dispose();
        }

        _backupPasswords[udid] = password;
    }

    public void Dispose()
    {
        foreach (var secret in _backupPasswords.Values)
        {
            secret.Dispose();
        }

        _backupPasswords.Clear();
    }

    public override string ToString() => $"session created {Created:O}";
}
