using Keepsake.Plist;

namespace Keepsake.Device.Usbmux;

/// <summary>
/// Builders for the usbmuxd plist requests and replies (ListDevices, Listen, Connect, ReadBUID,
/// ReadPairRecord, SavePairRecord, DeletePairRecord, Result, Attached, Detached, Paired).
/// </summary>
public static class UsbmuxMessages
{
    public const string ListDevices = "ListDevices";
    public const string Listen = "Listen";
    public const string Connect = "Connect";
    public const string ReadBuid = "ReadBUID";
    public const string ReadPairRecord = "ReadPairRecord";
    public const string SavePairRecord = "SavePairRecord";
    public const string DeletePairRecord = "DeletePairRecord";
    public const string Result = "Result";
    public const string Attached = "Attached";
    public const string Detached = "Detached";
    public const string Paired = "Paired";

    /// <summary>A request dictionary with the client identification keys libusbmuxd also sends.</summary>
    public static PlistDictionary Request(string messageType)
    {
        ArgumentException.ThrowIfNullOrEmpty(messageType);
        return new PlistDictionary
        {
            ["MessageType"] = messageType,
            ["ClientVersionString"] = "keepsake",
            ["ProgName"] = "keepsake",
            ["kLibUSBMuxVersion"] = 3L,
        };
    }

    /// <summary>A <c>Connect</c> request; the port travels byte-swapped (htons) as libusbmuxd sends it.</summary>
    public static PlistDictionary ConnectRequest(uint deviceId, ushort port)
    {
        var request = Request(Connect);
        request["DeviceID"] = (long)deviceId;
        request["PortNumber"] = (long)SwapPort(port);
        return request;
    }

    /// <summary>Converts between a port and its network-order integer form (62078 ⇄ 32498).</summary>
    public static ushort SwapPort(ushort value) => (ushort)((value >> 8) | (value << 8));

    /// <summary><c>{MessageType: Result, Number: n}</c>.</summary>
    public static PlistDictionary ResultMessage(UsbmuxResult result) => new()
    {
        ["MessageType"] = Result,
        ["Number"] = (long)(uint)result,
    };

    /// <summary>The device record inside <c>DeviceList</c> and <c>Attached</c>.</summary>
    public static PlistDictionary AttachedMessage(UsbmuxDevice device)
    {
        ArgumentNullException.ThrowIfNull(device);
        var properties = new PlistDictionary
        {
            ["ConnectionSpeed"] = 480000000L,
            ["ConnectionType"] = device.ConnectionType,
            ["DeviceID"] = (long)device.DeviceId,
            ["LocationID"] = (long)device.LocationId,
            ["ProductID"] = (long)device.ProductId,
            ["SerialNumber"] = device.Udid,
        };
        if (device.NetworkAddress is { } address)
        {
            properties["NetworkAddress"] = address;
        }

        return new PlistDictionary
        {
            ["MessageType"] = Attached,
            ["DeviceID"] = (long)device.DeviceId,
            ["Properties"] = properties,
        };
    }

    /// <summary>Parses a device record (the <c>Properties</c> dictionary is required).</summary>
    public static UsbmuxDevice ParseDevice(PlistDictionary record)
    {
        ArgumentNullException.ThrowIfNull(record);
        var properties = record.GetDictionary("Properties") ?? throw new UsbmuxException("usbmuxd device record has no Properties dictionary.");
        var id = properties.GetInt64("DeviceID") ?? record.GetInt64("DeviceID") ?? throw new UsbmuxException("usbmuxd device record has no DeviceID.");
        var serial = properties.GetString("SerialNumber") ?? throw new UsbmuxException($"usbmuxd device {id} has no SerialNumber.");
        var type = properties.GetString("ConnectionType") ?? throw new UsbmuxException($"usbmuxd device {id} has no ConnectionType.");
        return new UsbmuxDevice(
            checked((uint)id),
            SanitizeUdid(serial),
            type,
            (uint)(properties.GetInt64("ProductID") ?? 0),
            (uint)(properties.GetInt64("LocationID") ?? 0),
            properties.GetData("NetworkAddress"));
    }

    /// <summary>A 24-character serial gets a dash after character 8, as libusbmuxd does.</summary>
    public static string SanitizeUdid(string serial)
    {
        ArgumentNullException.ThrowIfNull(serial);
        return serial.Length == 24 && !serial.Contains('-', StringComparison.Ordinal) ? serial[..8] + "-" + serial[8..] : serial;
    }
}
