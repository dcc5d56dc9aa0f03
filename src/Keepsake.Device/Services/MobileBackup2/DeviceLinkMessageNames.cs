namespace Keepsake.Device.Services.MobileBackup2;

/// <summary>The DeviceLink message names (first element of every DeviceLink plist array).</summary>
public static class DeviceLinkMessageNames
{
    public const string VersionExchange = "DLMessageVersionExchange";
    public const string VersionsOk = "DLVersionsOk";
    public const string DeviceReady = "DLMessageDeviceReady";
    public const string ProcessMessage = "DLMessageProcessMessage";
    public const string Disconnect = "DLMessageDisconnect";
    public const string Ping = "DLMessagePing";
    public const string StatusResponse = "DLMessageStatusResponse";
    public const string DownloadFiles = "DLMessageDownloadFiles";
    public const string UploadFiles = "DLMessageUploadFiles";
    public const string GetFreeDiskSpace = "DLMessageGetFreeDiskSpace";
    public const string ContentsOfDirectory = "DLContentsOfDirectory";
    public const string CreateDirectory = "DLMessageCreateDirectory";
    public const string MoveFiles = "DLMessageMoveFiles";
    public const string MoveItems = "DLMessageMoveItems";
    public const string RemoveFiles = "DLMessageRemoveFiles";
    public const string RemoveItems = "DLMessageRemoveItems";
    public const string CopyItem = "DLMessageCopyItem";
    public const string PurgeDiskSpace = "DLMessagePurgeDiskSpace";

    /// <summary>Stands for "no value" in DeviceLink arrays.</summary>
    public const string EmptyParameter = "___EmptyParameterString___";
}
