using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;

namespace Keepsake.Device.Usbmux;

/// <summary>
/// The <c>NetworkAddress</c> of a Wi-Fi device record: a BSD-style <c>sockaddr</c> as Apple's usbmuxd sends it.
/// <code>
///  0      1        2      4                                     (IPv4: 16 bytes)
///  +------+--------+------+------------+----------+
///  | len  | family | port | IPv4 addr  | 8 zeros  |   family 0x02
///  +------+--------+------+------------+----------+
///  0      1        2      4            8                 24           (IPv6: 28 bytes)
///  +------+--------+------+------------+-----------------+----------+
///  | len  | family | port | flowinfo   | IPv6 address    | scope id |   family 0x1E (BSD), 0x0A (Linux)
///  +------+--------+------+------------+-----------------+----------+
/// </code>
/// The port inside is ignored by hosts: they connect to the address at the service port they want
/// (lockdownd 62078), as libimobiledevice does. See docs/design/device-protocols.md, "Wi-Fi".
/// </summary>
public static class UsbmuxNetworkAddress
{
    private const byte FamilyInet = 0x02;
    private const byte FamilyInet6Bsd = 0x1E;
    private const byte FamilyInet6Linux = 0x0A;

    /// <summary>The IP address in <paramref name="data"/>; null when it is not a sockaddr this reads.</summary>
    public static IPAddress? Parse(ReadOnlySpan<byte> data)
    {
        if (data.Length >= 8 && data[1] == FamilyInet)
        {
            return new IPAddress(data.Slice(4, 4));
        }

        if (data.Length >= 24 && data[1] is FamilyInet6Bsd or FamilyInet6Linux)
        {
            var scope = data.Length >= 28 ? BinaryPrimitives.ReadUInt32LittleEndian(data.Slice(24, 4)) : 0;
            return new IPAddress(data.Slice(8, 16), scope);
        }

        return null;
    }

    /// <summary>The sockaddr for <paramref name="address"/> (port 62078), as Apple's usbmuxd writes it.</summary>
    public static byte[] Encode(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        var ipv4 = address.AddressFamily == AddressFamily.InterNetwork;
        var data = new byte[ipv4 ? 16 : 28];
        data[0] = (byte)data.Length;
        data[1] = ipv4 ? FamilyInet : FamilyInet6Bsd;
        BinaryPrimitives.WriteUInt16BigEndian(data.AsSpan(2), 62078);
        if (ipv4)
        {
            address.TryWriteBytes(data.AsSpan(4, 4), out _);
        }
        else
        {
            address.TryWriteBytes(data.AsSpan(8, 16), out _);
            BinaryPrimitives.WriteUInt32LittleEndian(data.AsSpan(24), (uint)address.ScopeId);
        }

        return data;
    }
}
