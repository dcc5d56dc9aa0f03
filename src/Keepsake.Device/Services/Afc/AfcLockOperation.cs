namespace Keepsake.Device.Services.Afc;

/// <summary>FILE_LOCK operations (flock values with LOCK_NB).</summary>
public enum AfcLockOperation : ulong
{
    SharedNonBlocking = 5,
    ExclusiveNonBlocking = 6,
    Unlock = 12,
}
