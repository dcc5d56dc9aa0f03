namespace Keepsake.Engine.DeviceBackup;

/// <summary>
/// Where a device backup is. While the phone sends (<see cref="DeviceBackupStage.Receiving"/>):
/// files and bytes received so far, the phone's own percent, and <see cref="TotalBytes"/> estimated
/// from it (null until the phone reports progress). While the vault stores the working copy
/// (<see cref="DeviceBackupStage.Storing"/>): files and bytes processed out of the copy's exact totals.
/// </summary>
public sealed record DeviceBackupProgress(DeviceBackupStage Stage, long Files, long Bytes, double Percent)
{
    /// <summary>The stage's total files, when known (storing only).</summary>
    public long? TotalFiles { get; init; }

    /// <summary>The stage's total bytes: exact while storing, an estimate while receiving, null when unknown.</summary>
    public long? TotalBytes { get; init; }

    /// <summary>
    /// The bytes a transfer will come to, from what has arrived and the phone's overall percent
    /// (which covers the whole backup); null until the percent says anything.
    /// </summary>
    public static long? EstimateTotal(long bytesSoFar, double percent) =>
        percent is >= 0.5 and <= 100 && bytesSoFar > 0 ? Math.Max(bytesSoFar, (long)(bytesSoFar * 100.0 / percent)) : null;
}
