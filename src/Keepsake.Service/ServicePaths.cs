namespace Keepsake.Service;

/// <summary>The service's files, all in <c>DATA/service/</c> (a 0700 folder).</summary>
public sealed class ServicePaths(string dataFolder)
{
    /// <summary>The folder itself.</summary>
    public string Folder { get; } = Path.Combine(Path.GetFullPath(dataFolder), "service");

    /// <summary>The API token (one line, owner-only, new at each start).</summary>
    public string TokenFile => Path.Combine(Folder, "token");

    /// <summary>The running service's address, process id and token file path (JSON), removed at stop.</summary>
    public string RuntimeFile => Path.Combine(Folder, "runtime.json");

    /// <summary>What the service remembers about each phone (last attempt, last success, reason).</summary>
    public string StateFile => Path.Combine(Folder, "state.json");

    /// <summary>The event log: one JSON object per line.</summary>
    public string EventLog => Path.Combine(Folder, "events.jsonl");

    /// <summary>When prune, copy and check last ran.</summary>
    public string MaintenanceFile => Path.Combine(Folder, "maintenance.json");

    /// <summary>Creates <see cref="Folder"/> owner-only when it is missing.</summary>
    public void EnsureFolder()
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(Folder);
        }
        else
        {
            Directory.CreateDirectory(Folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }
}
