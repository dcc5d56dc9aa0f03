namespace Keepsake.Engine.DeviceBackup;

/// <summary>Where a device backup is: the stage, and while the phone sends, files, bytes and its own percent.</summary>
public sealed record DeviceBackupProgress(DeviceBackupStage Stage, long Files, long Bytes, double Percent);
