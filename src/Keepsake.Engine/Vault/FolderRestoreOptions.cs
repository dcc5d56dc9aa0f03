using Keepsake.Repository;

namespace Keepsake.Engine.Vault;

/// <summary>How <see cref="FolderRestoreJob"/> treats a folder that is already there, and where it reports progress.</summary>
public sealed class FolderRestoreOptions
{
    /// <summary>Replace a complete backup folder already at the target (else that is <see cref="RestoreTargetExistsException"/>).</summary>
    public bool Overwrite { get; init; }

    /// <summary>Told as files are written: files and bytes, of the snapshot's total bytes.</summary>
    public IProgress<WorkProgress>? Progress { get; init; }
}
