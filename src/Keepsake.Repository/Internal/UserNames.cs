using System.Collections.Concurrent;

namespace Keepsake.Repository.Internal;

/// <summary>uid/gid → name from /etc/passwd and /etc/group (what restic records as "user"/"group"), cached.</summary>
internal static class UserNames
{
    private static readonly Lazy<Dictionary<uint, string>> Users = new(() => Read("/etc/passwd"));
    private static readonly Lazy<Dictionary<uint, string>> Groups = new(() => Read("/etc/group"));

    public static string? User(uint uid) => Users.Value.TryGetValue(uid, out var n) ? n : null;

    public static string? Group(uint gid) => Groups.Value.TryGetValue(gid, out var n) ? n : null;

    private static Dictionary<uint, string> Read(string path)
    {
        var result = new Dictionary<uint, string>();
        try
        {
            foreach (var line in File.ReadLines(path))
            {
                var parts = line.Split(':');
                if (parts.Length >= 3 && uint.TryParse(parts[2], System.Globalization.CultureInfo.InvariantCulture, out var id))
                {
                    result.TryAdd(id, parts[0]);
                }
            }
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }

        return result;
    }
}
