using System.Net;
using Keepsake.Device.Usbmux;

namespace Keepsake.Device.Tests.Usbmux;

public sealed class UsbmuxNetworkAddressTests
{
    [Theory]
    [InlineData("192.168.1.23")]
    [InlineData("fe80::1c2b:3cff:fe4d:5e6f")]
    public void Encode_ThenParse_GivesTheAddress(string text)
    {
        var address = IPAddress.Parse(text);
        var data = UsbmuxNetworkAddress.Encode(address);

        Assert.Equal(data.Length, data[0]);
        Assert.Equal(address, UsbmuxNetworkAddress.Parse(data));
    }

    [Fact]
    public void Parse_AppleIpv4Sockaddr_ReadsAddressIgnoringPort()
    {
        // len 16, AF_INET (2), port 62078 big-endian, 10.0.0.7, 8 zero bytes.
        byte[] data = [16, 2, 0xF2, 0x7E, 10, 0, 0, 7, 0, 0, 0, 0, 0, 0, 0, 0];

        Assert.Equal(IPAddress.Parse("10.0.0.7"), UsbmuxNetworkAddress.Parse(data));
    }

    [Theory]
    [InlineData(new byte[] { })]
    [InlineData(new byte[] { 16, 2, 0 })]
    [InlineData(new byte[] { 16, 99, 0, 0, 1, 2, 3, 4 })]
    public void Parse_ShortOrUnknownFamily_ReturnsNull(byte[] data) => Assert.Null(UsbmuxNetworkAddress.Parse(data));

    [Fact]
    public void IPAddress_OfUsbRecord_IsNull() =>
        Assert.Null(new UsbmuxDevice(1, "udid", UsbmuxDevice.Usb, 0, 0, UsbmuxNetworkAddress.Encode(IPAddress.Loopback)).IPAddress);
}
