using System.Security.Cryptography;

namespace Keepsake.Service.Jobs;

/// <summary>The backup jobs of this run of the service (the last 200), by id.</summary>
public sealed class JobRegistry
{
    private readonly Lock _gate = new();
    private readonly List<BackupJobInfo> _jobs = [];

    public BackupJobInfo Add(string udid, string trigger, DateTimeOffset started)
    {
        var job = new BackupJobInfo(Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8)), udid, trigger, started);
        lock (_gate)
        {
            _jobs.Add(job);
            if (_jobs.Count > 200)
            {
                _jobs.RemoveAt(0);
            }
        }

        return job;
    }

    public void Update(BackupJobInfo job)
    {
        ArgumentNullException.ThrowIfNull(job);
        lock (_gate)
        {
            var i = _jobs.FindIndex(j => j.Id == job.Id);
            if (i >= 0)
            {
                _jobs[i] = job;
            }
        }
    }

    public BackupJobInfo? Find(string id)
    {
        lock (_gate)
        {
            return _jobs.FirstOrDefault(j => j.Id == id);
        }
    }

    /// <summary>The running job of <paramref name="udid"/>, if any.</summary>
    public BackupJobInfo? Running(string udid)
    {
        lock (_gate)
        {
            return _jobs.LastOrDefault(j => j.State == BackupJobState.Running && string.Equals(j.Udid, udid, StringComparison.OrdinalIgnoreCase));
        }
    }
}
