namespace Keepsake.Engine.DeviceBackup;

/// <summary>The stages of a device backup, in order.</summary>
public enum DeviceBackupStage
{
    Connecting,
    Receiving,
    Storing,
    Done,
}
