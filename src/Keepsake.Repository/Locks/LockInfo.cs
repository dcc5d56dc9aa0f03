using System.Text.Json;
using Keepsake.Primitives;
using Keepsake.Repository.Json;

namespace Keepsake.Repository.Locks;

/// <summary>
/// A lock file's content (<c>locks/&lt;id&gt;</c>). A lock is stale when it is older than 30
/// minutes, or when it was made on this host by a process that no longer runs (restic's rule).
/// </summary>
public sealed class LockInfo
{
    /// <summary>After this age a lock is stale wherever it was made.</summary>
    public static readonly TimeSpan StaleAfter = TimeSpan.FromMinutes(30);

    public ObjectId Id { get; init; }

    public required DateTimeOffset Time { get; init; }

    public bool Exclusive { get; init; }

    public string? Hostname { get; init; }

    public string? Username { get; init; }

    public int Pid { get; init; }

    public uint Uid { get; init; }

    public uint Gid { get; init; }

    /// <summary>Whether the lock no longer counts.</summary>
    public bool IsStale(DateTimeOffset now, string currentHost)
    {
        if (now - Time > StaleAfter)
        {
            return true;
        }

        if (!string.Equals(Hostname, currentHost, StringComparison.Ordinal))
        {
            return false;
        }

        return !ProcessIsAlive(Pid);
    }

    /// <summary>user@host (PID n) since time, for messages.</summary>
    public string Describe() => $"{Username}@{Hostname} (PID {Pid}) since {Time:u}";

    internal byte[] ToJson() => JsonSerializer.SerializeToUtf8Bytes(
        new LockJson { Time = GoTime.Format(Time), Exclusive = Exclusive, Hostname = Hostname, Username = Username, Pid = Pid, Uid = Uid, Gid = Gid },
        RepositoryJsonContext.Go.LockJson);

    internal static LockInfo Parse(ObjectId id, ReadOnlySpan<byte> bytes)
    {
        try
        {
            var json = JsonSerializer.Deserialize(bytes, RepositoryJsonContext.Go.LockJson);
            if (json is null || !GoTime.TryParse(json.Time, out var time))
            {
                throw new RepositoryCorruptedException("lock", id.ToString(), "no valid time");
            }

            return new LockInfo { Id = id, Time = time, Exclusive = json.Exclusive, Hostname = json.Hostname, Username = json.Username, Pid = json.Pid, Uid = json.Uid, Gid = json.Gid };
        }
        catch (JsonException e)
        {
            throw new RepositoryCorruptedException("lock", id.ToString(), "not valid lock JSON", innerException: e);
        }
    }

    private static bool ProcessIsAlive(int pid) => LocalProcess.IsRunning(pid);
}
