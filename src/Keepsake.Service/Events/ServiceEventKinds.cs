namespace Keepsake.Service.Events;

/// <summary>The event log's kinds (stable strings; docs/schemas/api-events.schema.json).</summary>
public static class ServiceEventKinds
{
    public const string ServiceStarted = "service-started";
    public const string ServiceStopping = "service-stopping";
    public const string UsbmuxdLost = "usbmuxd-lost";
    public const string UsbmuxdReachable = "usbmuxd-reachable";
    public const string PhoneAttached = "phone-attached";
    public const string PhoneDetached = "phone-detached";
    public const string BackupStarted = "backup-started";
    public const string BackupProgress = "backup-progress";
    public const string BackupSucceeded = "backup-succeeded";
    public const string BackupFailed = "backup-failed";
    public const string RetentionApplied = "retention-applied";
    public const string Pruned = "pruned";
    public const string CopySucceeded = "copy-succeeded";
    public const string CheckPassed = "check-passed";
    public const string Alert = "alert";
    public const string Notification = "notification";
    public const string NotificationFailed = "notification-failed";
}
