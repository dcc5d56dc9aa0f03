namespace Keepsake.Service.Jobs;

/// <summary>Where a backup job is.</summary>
public enum BackupJobState
{
    Running,
    Succeeded,
    Failed,
}
